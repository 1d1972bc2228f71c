// notify.test.mjs — an enterprise sets its notification preferences (stored: a reload shows them) and subscribes
// to a library search, sees the subscription listed and deletes it; the page works on a phone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { check, login, openPage, overflows, startBrowser } from './harness.mjs';
import { startLibrary } from './library.mjs';
import { ENTERPRISE_PASSWORD } from './province.mjs';

let server;
let browser;

before(async () => {
  server = await startLibrary();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an enterprise saves its notification preferences', async () => {
  const page = await openPage(browser, server.url);
  await login(page, server.url, 'ent1', ENTERPRISE_PASSWORD);
  await page.getByRole('heading', { name: '为我匹配的政策' }).waitFor();
  await page.getByRole('link', { name: '订阅与通知' }).click();
  await page.locator('#pref-form').waitFor();
  await page.getByLabel('电子邮件', { exact: true }).check();
  await page.getByLabel('电子邮箱').fill('boss@example.com');
  await page.getByLabel('邮件摘要').selectOption('weekly');
  await page.getByLabel('每周最多通知条数').fill('3');
  await page.getByLabel('差一项条件时也通知我').check();
  await page.getByRole('button', { name: '保存', exact: true }).click();
  await page.locator('#pref-msg').getByText('已保存通知偏好').waitFor();
  await check(page, 'notify');
  await page.reload();
  await page.locator('#pref-form').waitFor();
  assert.equal(await page.getByLabel('电子邮箱').inputValue(), 'boss@example.com');
  assert.equal(await page.getByLabel('邮件摘要').inputValue(), 'weekly');
  assert.equal(await page.getByLabel('每周最多通知条数').inputValue(), '3');
  assert.equal(await page.getByLabel('电子邮件', { exact: true }).isChecked(), true);
  assert.equal(await page.getByLabel('差一项条件时也通知我').isChecked(), true);
  await page.context().close();
});

test('a user subscribes on the notifications page and deletes the subscription', async () => {
  const page = await openPage(browser, server.url);
  await login(page, server.url, 'ent1', ENTERPRISE_PASSWORD);
  await page.getByRole('heading', { name: '为我匹配的政策' }).waitFor();
  await page.getByRole('link', { name: '订阅与通知' }).click();
  await page.locator('#sub-empty').waitFor();
  await page.getByLabel('关键词').fill('设备更新');
  await page.getByRole('button', { name: '添加订阅' }).click();
  const table = page.locator('#sub-table');
  await table.getByText('“设备更新”').waitFor();
  await page.getByLabel('类别').selectOption({ label: '贷款贴息' });
  await page.getByRole('button', { name: '添加订阅' }).click();
  await table.getByText('贷款贴息').waitFor();
  assert.equal(await table.locator('tbody tr').count(), 2);
  await check(page, 'subscriptions');
  await page.getByRole('button', { name: '删除订阅 “设备更新”' }).click();
  await page.locator('#sub-msg').getByText('已删除订阅').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('#sub-table tbody tr').length === 1);
  await page.context().close();
});

test('a user subscribes to a library search', async () => {
  const page = await openPage(browser, server.url);
  await login(page, server.url, 'ent1', ENTERPRISE_PASSWORD);
  await page.getByRole('heading', { name: '为我匹配的政策' }).waitFor();
  await page.getByRole('link', { name: '政策库' }).click();
  await page.getByLabel('关键词').fill('技改');
  await page.getByLabel('关键词').press('Enter');
  await page.getByLabel('类别').selectOption({ label: '设备奖励' });
  await page.getByRole('button', { name: '订阅此搜索' }).click();
  await page.locator('#library-msg').getByText('已订阅').waitFor();
  await page.getByRole('link', { name: '订阅与通知' }).click();
  await page.locator('#sub-table').getByText('“技改” · 设备奖励').waitFor();
  await page.context().close();
});

test('the notifications page fits a phone', async () => {
  const page = await openPage(browser, server.url, { viewport: { width: 375, height: 667 } });
  await login(page, server.url, 'ent1', ENTERPRISE_PASSWORD);
  await page.getByRole('heading', { name: '为我匹配的政策' }).waitFor();
  await page.goto(`${server.url}/#/notify`);
  await page.locator('#pref-form').waitFor();
  await page.locator('#sub-list table, #sub-empty').first().waitFor();
  assert.equal(await overflows(page), false);
  await check(page, 'notify-phone');
  await page.context().close();
});
