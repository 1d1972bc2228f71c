// portal.test.mjs — the portal in a real browser against a real server (run by `make test` via meson).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { check, login as loginAt, openPage, overflows, startBrowser, startServer } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ users: [{ name: 'admin1', role: 'admin', password: 'correct horse battery' }] });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const login = (page, name, password) => loginAt(page, server.url, name, password);

test('the login page is in Chinese by default and accessible', async () => {
  const page = await openPage(browser, `${server.url}/#/login`);
  await page.getByRole('heading', { name: '登录' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await check(page, 'login-zh');
  await page.context().close();
});

test('a wrong password is refused with a message', async () => {
  const page = await openPage(browser, `${server.url}/#/login`);
  await login(page, 'admin1', 'wrong password');
  await page.getByText('用户名或密码错误').waitFor();
  page.errors = page.errors.filter((e) => !/status of 401/.test(e)); // the refused login itself
  await check(page, 'login-failed');
  await page.context().close();
});

test('an admin logs in, sees the account, switches to English', async () => {
  const page = await openPage(browser, `${server.url}/#/login`);
  await login(page, 'admin1', 'correct horse battery');
  await page.getByRole('heading', { name: '用户管理' }).waitFor(); // an admin's home
  await page.getByRole('link', { name: '我的账户' }).click();
  await page.locator('#me-role').getByText('系统管理员').waitFor();
  await check(page, 'me-zh');
  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('heading', { name: 'My account' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.locator('#me-role').textContent(), 'Administrator');
  await check(page, 'me-en');
  await page.reload();
  await page.getByRole('heading', { name: 'My account' }).waitFor();
  assert.equal(await page.getByLabel('Language').inputValue(), 'en', 'the choice is remembered');
  await page.getByLabel('Language').selectOption('zh-CN');
  await page.getByRole('heading', { name: '我的账户' }).waitFor();
  await page.context().close();
});

test('a phone-sized viewport shows the whole login form', async () => {
  const page = await openPage(browser, `${server.url}/#/login`, { viewport: { width: 375, height: 667 } });
  const box = await page.getByRole('button', { name: '登录' }).boundingBox();
  assert.ok(box && box.x >= 0 && box.x + box.width <= 375, 'the button fits the phone width');
  assert.equal(await overflows(page), false, 'no horizontal scrolling');
  await check(page, 'login-phone');
  await page.context().close();
});

test('the keyboard alone logs in and reaches every nav link', async () => {
  const page = await openPage(browser, `${server.url}/#/login`);
  await page.getByRole('heading', { name: '登录' }).waitFor();
  const focused = () => page.evaluate(() => document.activeElement.id || document.activeElement.textContent);
  await page.keyboard.press('Tab'); // the router focuses <main>; the form is next
  assert.equal(await focused(), 'login-user');
  await page.keyboard.type('admin1');
  await page.keyboard.press('Tab');
  await page.keyboard.type('correct horse battery');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: '用户管理' }).waitFor();
  // Shift+Tab back from <main> walks the header: language, logout, then the nav links.
  const seen = [];
  for (let i = 0; i < 6; i++) { await page.keyboard.press('Shift+Tab'); seen.push(await focused()); }
  for (const want of ['lang-select', '退出', '审计日志', '用户管理', '我的账户']) assert.ok(seen.includes(want), `${want} is reachable: ${seen}`);
  await page.getByRole('link', { name: '审计日志' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: '审计日志' }).waitFor();
  await check(page, 'keyboard');
  await page.context().close();
});
