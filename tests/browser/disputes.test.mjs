// disputes.test.mjs — "this value is wrong": an enterprise disputes its revenue on the my-data page, an official
// of the province accepts it with the value, and the enterprise's data then shows that value with the source
// "dispute"; a second dispute is rejected and shown so. Both pages on a phone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { check, login, openPage, overflows, startBrowser } from './harness.mjs';
import { ENTERPRISE_PASSWORD, PROVINCIAL, loginOfficial, startProvince } from './province.mjs';

let server;
let browser;
let ent;

before(async () => {
  server = await startProvince({ users: [PROVINCIAL] });
  ent = server.extra.enterprise;
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const row = (page, label) => page.locator('#data-table tbody tr', { has: page.getByRole('cell', { name: label, exact: true }) });
const newRevenue = () => String(Math.round(Number(ent.revenue)) + 1234);

async function dispute(page, label, value, comment) {
  await row(page, label).getByRole('button', { name: `“${label}”数据有误` }).click();
  await page.getByRole('heading', { name: `“${label}”数据有误` }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'dispute-value', 'focus moves into the form');
  await page.getByLabel('正确的数值').fill(value);
  await page.getByLabel('说明（可选）').fill(comment);
  await page.getByRole('button', { name: '提交更正申请' }).click();
  await page.locator('#dispute-msg').getByText(new RegExp(`已提交“${label}”的更正申请`)).waitFor();
}

test('an enterprise disputes a value; an official accepts one and rejects another', async () => {
  const page = await openPage(browser, server.url);
  await login(page, server.url, 'ent1', ENTERPRISE_PASSWORD);
  await page.getByRole('heading', { name: '为我匹配的政策' }).waitFor();
  await page.getByRole('link', { name: '我的企业数据' }).click();
  await row(page, '营业收入').waitFor();
  await dispute(page, '营业收入', newRevenue(), '2025年审计报告的数字');
  await check(page, 'mydata-disputed');
  await dispute(page, '研发投入占比', '99', '多算了');
  await page.waitForFunction(() => document.querySelectorAll('#my-disputes-table tbody tr').length === 2); // both listed
  await page.context().close();

  const off = await openPage(browser, server.url);
  await loginOfficial(off, server.url);
  await off.getByRole('link', { name: '数据异议' }).click();
  const rev = off.locator('.dispute', { hasText: '营业收入' });
  await rev.waitFor();
  assert.match(await rev.textContent(), new RegExp(ent.uscc));
  assert.equal(await rev.locator('.proposed').textContent(), newRevenue());
  await check(off, 'disputes-open');
  await rev.getByLabel('处理意见').fill('已核对审计报告');
  await rev.getByRole('button', { name: '采纳并更正' }).click();
  await off.locator('#disputes-msg').getByText('已采纳“营业收入”的更正').waitFor();
  const rd = off.locator('.dispute', { hasText: '研发投入占比' });
  await rd.getByLabel('处理意见').fill('与税务数据不符');
  await rd.getByRole('button', { name: '驳回' }).click();
  await off.locator('#disputes-msg').getByText('已驳回“研发投入占比”的更正').waitFor();
  await off.locator('#dispute-empty').waitFor();
  await off.getByLabel('显示').selectOption('resolved');
  await off.locator('.dispute', { hasText: '营业收入' }).locator('.decision', { hasText: '已采纳' }).waitFor();
  await off.locator('.dispute', { hasText: '研发投入占比' }).locator('.decision', { hasText: '已驳回' }).waitFor();
  await check(off, 'disputes-resolved');
  await off.context().close();

  const again = await openPage(browser, server.url);
  await login(again, server.url, 'ent1', ENTERPRISE_PASSWORD);
  await again.getByRole('heading', { name: '为我匹配的政策' }).waitFor();
  await again.getByRole('link', { name: '我的企业数据' }).click();
  await row(again, '营业收入').waitFor();
  const cells = await row(again, '营业收入').locator('td').allTextContents();
  assert.match(cells[1], new RegExp(`^${newRevenue()}`), `the accepted value: ${cells}`);
  assert.match(cells[2], /dispute|异议/, `source: ${cells}`);
  const mine = await again.locator('#my-disputes-table tbody tr').allTextContents();
  assert.ok(mine.some((r) => /营业收入.*已采纳/.test(r)) && mine.some((r) => /研发投入占比.*已驳回/.test(r)), `${mine}`);
  await check(again, 'mydata-resolved');
  await again.context().close();
});

test('the dispute pages fit a phone', async () => {
  const page = await openPage(browser, server.url, { viewport: { width: 375, height: 667 } });
  await loginOfficial(page, server.url);
  await page.goto(`${server.url}/#/disputes`);
  await page.getByRole('heading', { name: '数据异议' }).waitFor();
  await page.getByLabel('显示').selectOption('resolved');
  await page.locator('.dispute').first().waitFor();
  assert.equal(await overflows(page), false);
  await check(page, 'disputes-phone');
  await page.context().close();
});
