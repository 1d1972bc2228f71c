// library.test.mjs — the public policy library: full-text search in Chinese (trigram FTS5, and the LIKE
// fallback for two characters), filters, sort, the card and the table view, a policy page with its rule as
// plain sentences, English, and a phone-sized viewport. No login needed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { check, openPage, overflows, startBrowser } from './harness.mjs';
import { startLibrary } from './library.mjs';

let server;
let browser;
let lib;

before(async () => {
  server = await startLibrary();
  lib = server.extra.library;
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const titles = (page) => page.locator('#policy-list [data-policy] h2').allTextContents();
// Waits until the cards shown are exactly the wanted titles (in any order).
async function shows(page, want) {
  await page.waitForFunction((w) => {
    const got = [...document.querySelectorAll('#policy-list [data-policy] h2, #policy-empty')].map((e) => e.textContent);
    return JSON.stringify(got.sort()) === JSON.stringify([...w].sort());
  }, want, { timeout: 10000 }).catch(async () => assert.deepEqual((await titles(page)).sort(), [...want].sort()));
}

test('anyone searches the library in Chinese, filters, sorts and switches to the table', async () => {
  const page = await openPage(browser, `${server.url}/#/policies`);
  await page.getByRole('heading', { name: '政策库' }).waitFor();
  const all = lib.map((p) => p.title.zh);
  await shows(page, all);
  await check(page, 'library-zh');

  // Four characters: the trigram index.
  await page.getByLabel('关键词').fill('设备更新');
  await page.getByLabel('关键词').press('Enter');
  await shows(page, ['制造业设备更新奖励']);
  // In the full text only.
  await page.getByLabel('关键词').fill('大规模设备');
  await page.getByRole('button', { name: '搜索政策' }).click();
  await shows(page, ['制造业设备更新奖励']);
  // Two characters: the LIKE fallback.
  await page.getByLabel('关键词').fill('贴息');
  await page.getByLabel('关键词').press('Enter');
  await shows(page, ['中小企业技改贷款贴息']);
  await page.getByLabel('关键词').fill('没有这样的政策');
  await page.getByLabel('关键词').press('Enter');
  await page.locator('#policy-empty').waitFor();
  await page.getByLabel('关键词').fill('');
  await page.getByLabel('关键词').press('Enter');
  await shows(page, all);

  // Filters apply as they change.
  await page.getByLabel('类别').selectOption({ label: '节能降碳' });
  await shows(page, ['绿色工厂节能改造补助']);
  await page.getByLabel('类别').selectOption('');
  await page.getByLabel('只看正在申报的').check();
  await shows(page, ['制造业设备更新奖励', '中小企业技改贷款贴息']); // 免申即享 has no application window
  await page.getByLabel('发文部门').selectOption('广东省财政厅');
  await shows(page, ['中小企业技改贷款贴息']);
  await page.getByLabel('发文部门').selectOption('');
  await page.getByLabel('只看正在申报的').uncheck();
  // In 30 days: the loan subsidy (closing in 20) and the green factory (closed), not the equipment reward (60).
  await page.getByLabel('申报截止不晚于').fill(new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10));
  await shows(page, ['中小企业技改贷款贴息', '绿色工厂节能改造补助']);
  await page.getByLabel('申报截止不晚于').fill('');
  await page.getByLabel('申报截止不晚于').dispatchEvent('change');

  // Sort by deadline: the earliest closing first (green factory closed 100 days ago, then the loan subsidy).
  await page.getByLabel('排序').selectOption('deadline');
  await page.waitForFunction(() => document.querySelector('#policy-list [data-policy] h2')?.textContent === '绿色工厂节能改造补助');
  const sorted = await titles(page);
  assert.deepEqual(sorted.slice(0, 3), ['绿色工厂节能改造补助', '中小企业技改贷款贴息', '制造业设备更新奖励']);

  await page.getByRole('button', { name: '表格' }).click();
  await page.locator('#policy-table').waitFor();
  assert.equal(await page.getByRole('button', { name: '表格' }).getAttribute('aria-pressed'), 'true');
  assert.equal(await page.locator('#policy-table tbody tr').count(), 4);
  await check(page, 'library-table');
  await page.reload();
  await page.locator('#policy-table').waitFor(); // the view is remembered
  await page.getByRole('button', { name: '卡片' }).click();
  await page.locator('#policy-list .libcard').first().waitFor();
  await page.context().close();
});

test('a policy page shows its rule as plain sentences, in Chinese and English', async () => {
  const p = lib.find((x) => x.code === 'equip-renewal');
  const page = await openPage(browser, `${server.url}/#/policies`);
  await page.getByLabel('关键词').fill('设备更新');
  await page.getByLabel('关键词').press('Enter');
  await page.getByRole('link', { name: '制造业设备更新奖励' }).click();
  await page.getByRole('heading', { name: '制造业设备更新奖励', level: 1 }).waitFor();
  assert.equal(page.url(), `${server.url}/#/policy/${p.id}`);
  await page.locator('#policy-facts').getByText('粤工信技改〔2026〕12号').waitFor();
  const lines = await page.locator('#rule-sentences li').allTextContents();
  assert.ok(lines.length >= 2, `one sentence per condition: ${lines}`);
  assert.ok(lines.some((l) => /营业收入/.test(l)), `revenue in words: ${lines}`);
  assert.ok(!lines.some((l) => /revenue|>=/.test(l)), 'no syntax in the sentences');
  assert.equal(await page.locator('#preview-btn').count(), 0, 'no management for the public');
  await check(page, 'policy-zh');
  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('heading', { name: 'Equipment renewal reward for manufacturing', level: 1 }).waitFor();
  await page.locator('#rule-sentences li', { hasText: /revenue/i }).first().waitFor();
  await check(page, 'policy-en');
  await page.getByLabel('Language').selectOption('zh-CN');
  await page.getByRole('heading', { name: '制造业设备更新奖励', level: 1 }).waitFor();
  await page.context().close();
});

test('the library and a policy page fit a phone', async () => {
  const page = await openPage(browser, `${server.url}/#/policies`, { viewport: { width: 375, height: 667 } });
  await page.locator('#policy-list .libcard').first().waitFor();
  assert.equal(await overflows(page), false, 'library: no horizontal scrolling');
  await check(page, 'library-phone');
  await page.getByRole('button', { name: '表格' }).click();
  await page.locator('#policy-table').waitFor();
  assert.equal(await overflows(page), false, 'table: no horizontal scrolling');
  await page.getByRole('button', { name: '卡片' }).click();
  await page.locator('#policy-list .libcard a').first().click();
  await page.locator('#rule-sentences').waitFor();
  assert.equal(await overflows(page), false, 'policy: no horizontal scrolling');
  await check(page, 'policy-phone');
  await page.context().close();
});
