// editor.test.mjs — an official writes a rule: a bad rule shows its error with a caret under the column;
// a good one shows the live match count and the impact charts by city, division and size.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { check, login, openPage, overflows, startBrowser } from './harness.mjs';
import { startProvince } from './province.mjs';

let server;
let browser;

before(async () => {
  server = await startProvince({ users: [{ name: 'prov1', role: 'provincial_official', password: 'official password 1' }] });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Waits until the live count differs from prev and returns it.
async function countChange(page, prev) {
  await page.waitForFunction((n) => {
    const m = document.querySelector('#match-count')?.textContent.match(/([\d,]+)/);
    return m && Number(m[1].replace(/,/g, '')) !== n;
  }, prev);
  return count(page);
}

const count = async (page) => Number((await page.locator('#match-count').textContent()).match(/([\d,]+)/)[1].replace(/,/g, ''));

test('an official sees the caret for a bad rule, then a live count and charts', async () => {
  const page = await openPage(browser, server.url);
  await login(page, server.url, 'prov1', 'official password 1');
  await page.getByRole('heading', { name: '规则编辑器' }).waitFor();
  const text = page.getByLabel('申报条件（可读规则语法）');

  await text.fill('industry_section == "C"\n  and revenue >= >= 2000');
  const err = page.locator('#rule-error');
  await err.getByText(/第 2 行第 \d+ 列/).waitFor();
  const caret = await err.locator('.caret-pad').textContent();
  const col = Number((await err.locator('p').textContent()).match(/第 2 行第 (\d+) 列/)[1]);
  assert.equal([...caret].length, col - 1, 'the caret stands under the column');
  assert.equal(await text.getAttribute('aria-invalid'), 'true');
  await check(page, 'editor-error');

  // A rule that parses but names no attribute of the catalog: the static check's message, no caret.
  await text.fill('revenu >= 2000');
  await err.locator('p', { hasText: /"revenu"/ }).waitFor();
  assert.equal(await err.locator('.caret').count(), 0);
  assert.equal(await page.locator('#match-count').textContent(), '', 'no count for a rule that fails its checks');

  await text.fill('industry_section == "C" and revenue >= 2000');
  await page.locator('#rule-ok').waitFor();
  const ent = server.extra.enterprise;
  await page.getByLabel('统一社会信用代码').fill(ent.uscc);
  await page.getByRole('button', { name: '解释' }).click();
  await page.locator('#try-result').getByText(ent.name).waitFor();
  assert.ok(await page.locator('#try-result li').count() >= 2, 'one sentence per condition');
  await check(page, 'editor-explain');

  await page.locator('#match-count').getByText(/符合条件的企业/).waitFor();
  const big = await count(page);

  // Live: the count follows the text as it changes.
  await text.fill('industry_section == "C"');
  const manufacturers = await countChange(page, big);
  assert.ok(manufacturers > big, 'all manufacturers are more than the big ones');
  await text.pressSequentially(' and revenue >= 2000', { delay: 20 });
  assert.equal(await countChange(page, manufacturers), big, 'typed back to the same rule, the same count');

  for (const id of ['chart-city', 'chart-division', 'chart-size']) await page.locator(`#${id} canvas`).waitFor();
  await page.locator('#chart-city summary').click();
  assert.ok(await page.locator('#chart-city tbody tr').count() > 0, 'the chart\'s numbers are in a table');
  await check(page, 'editor-charts');

  // A provincial official may count in one city: fewer, and the city chart has only that city.
  const rows = await page.locator('#chart-city tbody tr').allTextContents();
  const top = rows[0].match(/^(\D+)/)[1].trim(); // the city with the most matches
  await page.getByLabel('统计范围').selectOption({ label: top });
  const inCity = await countChange(page, big);
  assert.ok(inCity > 0 && inCity < big, `${top}: ${inCity} of ${big}`);
  await page.waitForFunction(() => document.querySelectorAll('#chart-city tbody tr').length === 1);
  assert.match(await page.locator('#chart-city tbody tr').textContent(), new RegExp(`^${top}`));
  await page.getByLabel('统计范围').selectOption('');
  assert.equal(await countChange(page, inCity), big);

  await page.getByLabel('语言').selectOption('en');
  await page.locator('#match-count').getByText(/Matching enterprises/).waitFor();
  await check(page, 'editor-en');
  await page.context().close();
});

test('the editor works on a phone', async () => {
  const page = await openPage(browser, server.url, { viewport: { width: 375, height: 667 } });
  await login(page, server.url, 'prov1', 'official password 1');
  await page.locator('#match-count').getByText(/符合条件的企业/).waitFor();
  await page.locator('#chart-size canvas').waitFor();
  assert.equal(await overflows(page), false);
  await check(page, 'editor-phone');
  await page.context().close();
});
