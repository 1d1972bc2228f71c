// admin.test.mjs — an admin manages users (create, edit role, reset password, disable, enable) and an auditor
// reads the audit log with its verification status, in a real browser against a real server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { check, login, openPage, overflows, startBrowser, startServer } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer({ users: [
    { name: 'admin1', role: 'admin', password: 'correct horse battery' },
    { name: 'audit1', role: 'auditor', password: 'staple battery horse' },
  ] });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const row = (page, name) => page.locator('#users-table tbody tr', { has: page.getByRole('cell', { name, exact: true }) });

test('an admin creates a user, resets their password, disables and enables them; disabling ends their session', async () => {
  const page = await openPage(browser, server.url);
  await login(page, server.url, 'admin1', 'correct horse battery');
  await page.getByRole('heading', { name: '用户管理' }).waitFor();
  await row(page, 'audit1').waitFor();
  await check(page, 'users');

  await page.getByLabel('用户名', { exact: true }).fill('official.gz');
  await page.getByLabel('角色', { exact: true }).selectOption('city_official');
  await page.getByLabel('范围', { exact: true }).fill('440100');
  await page.getByLabel('密码', { exact: true }).fill('first password 1');
  await page.getByRole('button', { name: '新建用户' }).click();
  await page.getByText('已创建用户 official.gz').waitFor();
  await row(page, 'official.gz').getByText('地市主管部门').waitFor();

  await page.getByRole('button', { name: '编辑 official.gz' }).click();
  const panel = page.locator('#user-edit');
  await panel.getByLabel('新密码（至少10个字符）').fill('second password 2');
  await panel.getByRole('button', { name: '重置密码' }).click();
  await page.getByText('已重置 official.gz 的密码').waitFor();
  await check(page, 'users-edit');

  await page.getByRole('button', { name: '停用 official.gz' }).click();
  await row(page, 'official.gz').getByText('已停用').waitFor();

  // A disabled user cannot log in.
  const other = await openPage(browser, server.url);
  await login(other, server.url, 'official.gz', 'second password 2');
  await other.getByText('用户名或密码错误').waitFor();
  await other.context().close();

  await page.getByRole('button', { name: '启用 official.gz' }).click();
  await row(page, 'official.gz').getByText('正常').waitFor();

  // Enabled again, with the reset password, the official reaches the account page.
  const again = await openPage(browser, server.url);
  await login(again, server.url, 'official.gz', 'second password 2');
  // A city official's rule editor counts in its own city only.
  await again.locator('#match-count').getByText(/符合条件的企业：0 家/).waitFor();
  assert.equal(await again.getByLabel('统计范围').textContent(), '广州市');
  assert.equal(await again.getByLabel('统计范围').isDisabled(), true);
  await check(again, 'editor-city-official');

  await again.getByRole('link', { name: '我的账户' }).click();
  await again.locator('#me-scope').getByText('440100').waitFor();
  await again.getByRole('link', { name: '规则编辑器' }).click();
  await again.locator('#match-count').getByText(/符合条件的企业/).waitFor();

  // Disabled while logged in: the official's next request ends on the login page.
  await page.getByRole('button', { name: '停用 official.gz' }).click();
  await row(page, 'official.gz').getByText('已停用').waitFor();
  await again.getByLabel('申报条件（可读规则语法）').fill('revenue > 1');
  await again.getByRole('heading', { name: '登录' }).waitFor();
  assert.equal(await again.getByRole('link', { name: '我的账户' }).count(), 0, 'logged out in the nav too');
  await again.context().close();
  await page.context().close();
});

test('an auditor sees the audit log verified, and users read-only', async () => {
  const page = await openPage(browser, server.url);
  await login(page, server.url, 'audit1', 'staple battery horse');
  await page.getByRole('heading', { name: '审计日志' }).waitFor();
  const verify = page.locator('#audit-verify');
  await verify.getByText(/✓ 哈希链完整：已校验 \d+ 条记录/).waitFor();
  await page.locator('#audit-table').getByText('user.create').first().waitFor();
  assert.ok(await page.locator('#audit-table tbody tr').count() >= 3, 'the rows of the trail are listed');
  await check(page, 'audit');

  await page.getByRole('link', { name: '用户管理' }).click();
  await row(page, 'admin1').waitFor();
  assert.equal(await page.getByRole('button', { name: '新建用户' }).count(), 0, 'an auditor cannot create users');
  assert.equal(await page.getByRole('button', { name: /^停用/ }).count(), 0, 'nor disable them');
  await check(page, 'users-auditor');

  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.locator('#audit-verify').getByText(/✓ Hash chain intact: \d+ rows verified/).waitFor();
  await check(page, 'audit-en');
  await page.context().close();
});

test('on a phone the audit log and the users fit the width', async () => {
  const page = await openPage(browser, server.url, { viewport: { width: 375, height: 667 } });
  await login(page, server.url, 'admin1', 'correct horse battery');
  await row(page, 'audit1').waitFor();
  assert.equal(await overflows(page), false, 'users: no horizontal scrolling');
  await check(page, 'users-phone');
  await page.getByRole('link', { name: '审计日志' }).click();
  await page.locator('#audit-table').waitFor();
  assert.equal(await overflows(page), false, 'audit: no horizontal scrolling');
  await check(page, 'audit-phone');
  await page.context().close();
});

// Last: it breaks the chain for good.
test('a tampered audit row shows the chain broken at that row', async () => {
  const r = spawnSync('sqlite3', [server.db, "UPDATE audit_log SET actor = 'mallory' WHERE id = 2"], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const page = await openPage(browser, server.url);
  await login(page, server.url, 'audit1', 'staple battery horse');
  await page.locator('#audit-verify').getByText('✗ 哈希链被破坏：第一条异常记录编号 2').waitFor();
  await page.locator('#audit-table').getByRole('cell', { name: 'mallory' }).waitFor();
  assert.equal(await page.locator('#audit-bad-row').textContent(), '✗ 2', 'the bad row is marked in the table');
  await check(page, 'audit-broken');
  await page.context().close();
});
