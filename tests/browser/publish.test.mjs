// publish.test.mjs — an official writes a policy with the live count, is refused publication while a rule test
// fails (and sees the failure), fixes it, previews the impact as charts, publishes; the enterprise that qualifies
// then finds it in its inbox (with an unread badge), marks it read, dismisses it; the official sees the funnel.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { check, login, openPage, overflows, startBrowser } from './harness.mjs';
import { ENTERPRISE_PASSWORD, PROVINCIAL, loginOfficial, startProvince } from './province.mjs';

let server;
let browser;
let ent;
let policyUrl;

before(async () => {
  server = await startProvince({ users: [PROVINCIAL] });
  ent = server.extra.enterprise;
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const count = async (page) => Number((await page.locator('#match-count').textContent()).match(/([\d,]+)/)[1].replace(/,/g, ''));

test('an official writes a policy, sees the live count, is refused on a failing rule test, then publishes', async () => {
  const page = await openPage(browser, server.url);
  await loginOfficial(page, server.url);
  await page.getByRole('link', { name: '新建政策' }).click();
  await page.getByRole('heading', { name: '新建政策' }).waitFor();

  await page.getByLabel('政策代码').fill('web-renewal');
  await page.getByLabel('文号').fill('粤工信技改〔2026〕99号');
  await page.getByLabel('标题（中文）').fill('网页发布的设备更新奖励');
  await page.getByLabel('标题（英文）').fill('Equipment reward published from the web');
  await page.getByLabel('发文部门').fill('广东省工业和信息化厅');
  await page.getByLabel('类别').selectOption('equipment_reward');
  const rule = page.getByLabel('申报条件（可读规则语法）');
  const half = Math.floor(Number(ent.revenue) / 2);
  await rule.fill(`industry_section == "C" and revenue >= >= ${half}`);
  await page.locator('#rule-error').waitFor();
  await rule.fill(`industry_section == "C" and revenue >= ${half}`);
  await page.locator('#rule-ok').waitFor();
  await page.locator('#match-count').getByText(/符合条件的企业/).waitFor();
  const live = await count(page);
  assert.ok(live > 0, 'the enterprise of the test is among them');
  await page.locator('#chart-city canvas').waitFor();
  // A benefit formula that needs project data, and a cap of 1,000 yuan: the preview's budget is live x 1,000 yuan.
  await page.getByLabel('支持金额公式（可选，可读语法，单位元）').fill('min(project.equipment_investment * 0.2, 50000000)');
  await page.getByLabel('每家企业支持上限（元，可选）').fill('1000');
  // A rule test that fails: our qualifying enterprise expected not eligible.
  await page.getByText('全文与规则测试').click();
  const fixture = (expect) => JSON.stringify([{ name: 'a big manufacturer', enterprise: { city: ent.city, industry: ent.industry, revenue: String(half * 2 + 1) }, expect }]);
  await page.getByLabel('规则测试（JSON）').fill(fixture('not_eligible'));
  await check(page, 'polform-new');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.getByRole('heading', { name: '网页发布的设备更新奖励', level: 1 }).waitFor();
  policyUrl = page.url();

  await page.getByRole('button', { name: '发布' }).click();
  const refused = page.locator('#publish-refused');
  await refused.getByText('未能发布：规则测试未通过').waitFor();
  assert.match(await refused.textContent(), /a big manufacturer/, 'the failing test is named');
  page.errors = page.errors.filter((e) => !/status of 422/.test(e)); // the refusal itself
  await check(page, 'policy-refused');

  // Fix the test, preview the impact, publish.
  await page.getByRole('link', { name: '编辑', exact: true }).click();
  await page.getByRole('heading', { name: '编辑政策' }).waitFor();
  await page.getByText('全文与规则测试').click();
  await page.getByLabel('规则测试（JSON）').fill(fixture('eligible'));
  await page.locator('#match-count').getByText(/符合条件的企业/).waitFor();
  await check(page, 'polform-edit');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.getByRole('heading', { name: '网页发布的设备更新奖励', level: 1 }).waitFor();
  await page.getByRole('button', { name: '开始影响预评估' }).click();
  await page.locator('#preview-count').waitFor();
  assert.equal(Number((await page.locator('#preview-count').textContent()).match(/([\d,]+)/)[1].replace(/,/g, '')), live,
    'the preview counts what the live count said');
  for (const id of ['preview-city', 'preview-division', 'preview-size']) await page.locator(`#${id} canvas`).waitFor();
  await page.locator('#preview-budget').waitFor();
  const budget = (live * 1000).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  assert.equal(await page.locator('#preview-budget').getAttribute('data-basis'), 'cap_bound');
  assert.equal(await page.locator('#preview-budget').textContent(),
    `预计支持总额不超过：${budget} 元（公式需要项目数据，按 ${live.toLocaleString('zh-CN')} 家符合条件企业 × 每家支持上限估算）`);
  await check(page, 'policy-preview');
  await page.getByRole('button', { name: '发布' }).click();
  await page.locator('#policy-facts').getByText('已发布').waitFor();
  await page.locator('#funnel canvas').waitFor();
  await check(page, 'policy-published');
  await page.context().close();
});

test('the enterprise that qualifies finds the policy in its inbox and marks it', async () => {
  assert.ok(policyUrl, 'published by the test before');
  const page = await openPage(browser, server.url);
  await login(page, server.url, 'ent1', ENTERPRISE_PASSWORD);
  const badge = page.locator('#inbox-badge');
  await badge.waitFor();
  assert.ok(Number(await badge.textContent()) >= 1, 'an unread badge');
  await page.getByRole('link', { name: /^消息/ }).click();
  const item = page.locator('.inbox-item', { hasText: '网页发布的设备更新奖励' });
  await item.waitFor();
  assert.equal(await item.getAttribute('data-state'), 'unread');
  await check(page, 'inbox-unread');
  await item.getByRole('button', { name: '标为已读' }).click();
  await page.locator('.inbox-item[data-state="read"]', { hasText: '网页发布的设备更新奖励' }).waitFor();
  await page.waitForFunction(() => document.getElementById('inbox-badge').hidden || document.getElementById('inbox-badge').textContent === '0');
  await page.locator('.inbox-item', { hasText: '网页发布的设备更新奖励' }).getByRole('button', { name: '与我无关' }).click();
  await page.locator('.inbox-item[data-state="not_relevant"]').waitFor();
  await page.reload();
  await page.locator('.inbox-item[data-state="not_relevant"]', { hasText: '网页发布的设备更新奖励' }).waitFor(); // stored
  await page.locator('.inbox-item', { hasText: '网页发布的设备更新奖励' }).getByRole('button', { name: '标为已读' }).click();
  await page.locator('.inbox-item[data-state="read"]').waitFor();
  await check(page, 'inbox');
  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('heading', { name: 'Inbox' }).waitFor();
  await page.getByText('Equipment reward published from the web').waitFor();
  await check(page, 'inbox-en');
  await page.getByLabel('Language').selectOption('zh-CN');
  await page.getByRole('heading', { name: '消息' }).waitFor();
  await page.context().close();
});

test('the official sees the campaign funnel: matched, delivered, read', async () => {
  const page = await openPage(browser, server.url);
  await loginOfficial(page, server.url);
  await page.goto(policyUrl);
  await page.locator('#funnel canvas').waitFor();
  await page.locator('#funnel summary').click();
  const rows = await page.locator('#funnel tbody tr').allTextContents();
  assert.equal(rows.length, 4, `matched, delivered, read, applied: ${rows}`);
  assert.match(rows[2], /^已读\s*1$/, `one enterprise read it: ${rows}`);
  await check(page, 'policy-funnel');
  await page.context().close();
});

test('an enterprise reads its inbox on a phone', async () => {
  const page = await openPage(browser, server.url, { viewport: { width: 375, height: 667 } });
  await login(page, server.url, 'ent1', ENTERPRISE_PASSWORD);
  await page.locator('#group-eligible').waitFor();
  await page.getByRole('link', { name: /^消息/ }).click();
  await page.locator('.inbox-item').first().waitFor();
  assert.equal(await overflows(page), false, 'inbox: no horizontal scrolling');
  await check(page, 'inbox-phone');
  await page.context().close();
});

test('an official revises the published policy: the revision is staged, then published', async () => {
  const page = await openPage(browser, server.url);
  await loginOfficial(page, server.url);
  await page.goto(policyUrl);
  await page.locator('#funnel canvas').waitFor();
  assert.equal(await page.locator('#publish-btn').isHidden(), true, 'nothing to publish while no revision is staged');
  await page.getByRole('link', { name: '编辑', exact: true }).click();
  await page.getByText('此政策已发布：保存后生成新版本，发布后生效。').waitFor();
  await page.getByLabel('标题（中文）').fill('网页发布的设备更新奖励（2027年修订）');
  await page.locator('#rule-ok').waitFor();
  await page.getByRole('button', { name: '保存草稿' }).click();
  await page.getByRole('button', { name: '发布修订（第 2 版）' }).click();
  await page.locator('#publish-result').getByText(/^已发布/).waitFor();
  await page.locator('#policy-facts').getByText('已修订').waitFor();
  await page.getByRole('link', { name: '政策库', exact: true }).click();
  await page.getByRole('link', { name: '网页发布的设备更新奖励（2027年修订）' }).waitFor();
  await check(page, 'library-revised');
  await page.context().close();
});

test('the policy form and a policy page fit a phone', async () => {
  const page = await openPage(browser, server.url, { viewport: { width: 375, height: 667 } });
  await loginOfficial(page, server.url);
  await page.goto(`${server.url}/#/policy/new`);
  await page.getByLabel('申报条件（可读规则语法）').fill('industry_section == "C"');
  await page.locator('#match-count').getByText(/符合条件的企业/).waitFor();
  assert.equal(await overflows(page), false, 'form: no horizontal scrolling');
  await check(page, 'polform-phone');
  await page.goto(policyUrl);
  await page.locator('#funnel canvas').waitFor();
  assert.equal(await overflows(page), false, 'policy: no horizontal scrolling');
  await check(page, 'policy-official-phone');
  await page.context().close();
});
