// enterprise.test.mjs — an enterprise user logs in and sees its own data (each value with its source and
// as-of date) and the policies for it with their explanations, in Chinese, in English and on a phone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { check, login, openPage, overflows, startBrowser } from './harness.mjs';
import { ENTERPRISE_PASSWORD, startProvince } from './province.mjs';

let server;
let browser;
let ent;

before(async () => {
  server = await startProvince();
  ent = server.extra.enterprise;
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an enterprise sees its own data with source and as-of date', async () => {
  const page = await openPage(browser, server.url);
  await login(page, server.url, 'ent1', ENTERPRISE_PASSWORD);
  await page.getByRole('heading', { name: '为我匹配的政策' }).waitFor();
  await page.getByRole('link', { name: '我的企业数据' }).click();
  await page.locator('#ent-name').getByText(ent.name).waitFor();
  const revenue = page.locator('#data-table tbody tr', { has: page.getByRole('cell', { name: '营业收入', exact: true }) });
  await revenue.waitFor();
  const cells = await revenue.locator('td').allTextContents();
  assert.match(cells[1], new RegExp(`^${ent.revenue.replace('.', '\\.')}`), 'the imported revenue');
  assert.notEqual(cells[2], '—', 'a source');
  assert.match(cells[3], /^\d{4}-\d{2}-\d{2}$/, 'an as-of date');
  await check(page, 'mydata-zh');
  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('cell', { name: 'revenue', exact: true }).waitFor();
  await check(page, 'mydata-en');
  await page.context().close();
});

test('an enterprise sees the policies for it: eligible, near miss with what is missing, unknown with which data', async () => {
  const page = await openPage(browser, server.url);
  await login(page, server.url, 'ent1', ENTERPRISE_PASSWORD);
  const card = (g, id) => page.locator(`#group-${g} [data-policy="${id}"]`);
  await card('eligible', 1).getByText('制造业企业技术改造奖励').waitFor();
  await card('eligible', 1).getByText('判断依据').click();
  await card('eligible', 1).locator('.sentences li', { hasText: '营业收入' }).waitFor();
  // The near miss says what is missing: the one unmet condition, as a sentence.
  const near = card('near_miss', 2);
  await near.getByText('还需满足：').waitFor();
  assert.equal(await near.locator('.unmet li').count(), 1, 'one condition unmet');
  assert.match(await near.locator('.unmet li').textContent(), /^✗ 营业收入/);
  // The unknown one names the data that is missing.
  await card('unknown', 3).locator('.missing', { hasText: '缺少数据：综合能耗' }).waitFor();
  assert.equal(await page.locator('[data-policy="4"]').count(), 0, 'a policy it fails is not listed');
  await check(page, 'forme-zh');

  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('heading', { name: 'Policies for me' }).waitFor();
  await card('unknown', 3).locator('.missing', { hasText: 'Missing data: energy use' }).waitFor();
  assert.match(await card('near_miss', 2).locator('.unmet li').textContent(), /^✗ revenue/i);
  await check(page, 'forme-en');
  await page.getByLabel('Language').selectOption('zh-CN');
  await page.getByRole('heading', { name: '为我匹配的政策' }).waitFor();
  await page.context().close();
});

test('on a phone the enterprise pages fit the width', async () => {
  const page = await openPage(browser, server.url, { viewport: { width: 375, height: 667 } });
  await login(page, server.url, 'ent1', ENTERPRISE_PASSWORD);
  await page.locator('#group-eligible').waitFor();
  assert.equal(await overflows(page), false, 'policies: no horizontal scrolling');
  await check(page, 'forme-phone');
  await page.getByRole('link', { name: '我的企业数据' }).click();
  await page.locator('#data-table').waitFor();
  assert.equal(await overflows(page), false, 'data: no horizontal scrolling');
  await check(page, 'mydata-phone');
  await page.context().close();
});
