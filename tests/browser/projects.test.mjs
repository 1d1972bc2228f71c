// projects.test.mjs — an upgrade project through the portal, in a real browser against a real server: an
// enterprise on a phone declares a project (the form shows an error at each wrong field first) and submits it; the
// city official accepts it and approves it at city review; the provincial official approves it; the enterprise
// sees the new state and the history, applies the project to a policy and sees the award with its explanation, and
// chooses a loan its bank published; the land-quota ledger of the city with its chart; English; every new page is
// screenshotted and checked for console errors and accessibility.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { check, login, openPage, overflows, root, startBrowser } from './harness.mjs';
import { ENTERPRISE_PASSWORD, startProvince } from './province.mjs';

const PHONE = { width: 375, height: 667 };
const PASS = 'official password 1';
const YEAR = new Date().getFullYear();

let server;
let browser;
let ent;

// The 2021 equipment reward of tests/app/data (20 % of the equipment investment, at most 50 million yuan), open
// until 2030, published so that applications find it in force today.
function publishPolicy() {
  const doc = JSON.parse(readFileSync(join(root, 'tests', 'app', 'data', 'equipment-2021.json'), 'utf8'));
  doc.valid_to = '2030-12-31';
  doc.apply_to = '2030-10-31';
  const file = join(dirname(server.db), 'policy.json');
  const empty = join(dirname(server.db), 'none.txt');
  writeFileSync(file, JSON.stringify(doc));
  writeFileSync(empty, '');
  server.techup(['policy', 'add', file]);
  server.techup(['policy', 'preview', doc.code]);
  server.techup(['policy', 'publish', doc.code, '--recipients-from', empty]);
  return doc.code;
}

before(async () => {
  server = await startProvince();
  ent = server.extra.enterprise;
  server.techup(['user', 'add', 'city.official', '--role', 'city_official', '--scope', ent.city, '--password-stdin'], `${PASS}\n`);
  server.techup(['user', 'add', 'prov.official', '--role', 'provincial_official', '--password-stdin'], `${PASS}\n`);
  server.techup(['user', 'add', 'bank.officer', '--role', 'bank_officer', '--scope', 'gdbank', '--password-stdin'], `${PASS}\n`);
  server.policy = publishPolicy();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const district = () => (ent.district && ent.district.slice(0, 4) === ent.city.slice(0, 4) && ent.district !== ent.city
  ? ent.district : `${ent.city.slice(0, 4)}05`);
const PROJECT = '数控产线智能化改造';
const detail = (page) => page.locator('#project-detail');

test('an enterprise on a phone declares a project, sees each wrong field, and submits it', async () => {
  const page = await openPage(browser, server.url, { viewport: PHONE });
  await login(page, server.url, 'ent1', ENTERPRISE_PASSWORD);
  await page.getByRole('heading', { name: '为我匹配的政策' }).waitFor();
  await page.getByRole('link', { name: '我的项目' }).click();
  await page.getByRole('heading', { name: '我的项目' }).waitFor();
  await page.locator('#my-projects').getByText('暂无项目。').waitFor();
  await check(page, 'projects-empty-phone');

  await page.getByRole('link', { name: '申报项目' }).click();
  await page.getByRole('heading', { name: '申报技改项目' }).waitFor();
  // Wrong values: each error appears at its field, and the summary lists them (nothing is sent).
  await page.getByLabel('备案代码').fill('2401/440305');
  await page.getByLabel('总投资（元）').fill('1000000');
  await page.getByLabel('设备投资（元）').fill('2000000.123');
  await page.getByRole('button', { name: '添加设备' }).click();
  await page.getByLabel('数量').fill('0');
  await page.getByRole('button', { name: '保存为草稿' }).click();
  const summary = page.locator('#form-errors');
  await summary.getByText(/有 \d+ 处需要修改/).waitFor();
  assert.equal(await page.locator('#p-name-error').textContent(), '必填');
  assert.equal(await page.locator('#p-filing_code-error').textContent(), '只能包含字母、数字和“-”');
  assert.equal(await page.locator('#p-equipment_investment-error').textContent(), '请填写金额（元），最多两位小数');
  assert.equal(await page.locator('#eq-0-quantity-error').textContent(), '须为 1 至 1000000 的整数');
  assert.equal(await page.getByLabel('项目名称').getAttribute('aria-invalid'), 'true');
  assert.equal(await overflows(page), false, 'declare form: no horizontal scrolling');
  await check(page, 'project-new-errors-phone');

  // The equipment lines must add up to the equipment investment exactly.
  await page.getByLabel('项目名称').fill(PROJECT);
  await page.getByLabel('项目类型').selectOption('equipment_renewal');
  await page.getByLabel('地市').selectOption(ent.city);
  await page.getByLabel('区县代码').fill(district());
  await page.getByLabel('备案代码').fill('2401-440305-04-02-000001');
  await page.getByLabel('备案日期').fill('2024-01-10');
  await page.getByLabel('计划开工日期').fill('2024-03-01');
  await page.getByLabel('计划竣工日期').fill(`${YEAR + 1}-06-30`);
  await page.getByLabel('总投资（元）').fill('52000000');
  await page.getByLabel('设备投资（元）').fill('30000000.00');
  await page.getByLabel('设备名称').fill('五轴加工中心');
  await page.getByLabel('类别').fill('machine_tool');
  await page.getByLabel('数量').fill('10');
  await page.getByLabel('单价（元）').fill('2999999.99');
  await page.getByLabel('年综合能耗（吨标准煤）').fill('1200.5');
  await page.getByLabel('年电力消费（千瓦时）').fill('3000000');
  await page.getByLabel('新增用地（亩）').fill('12.5');
  await page.getByRole('button', { name: '保存为草稿' }).click();
  await page.locator('#p-equipment_investment-error').getByText('设备清单合计 29999999.90 元，与设备投资不一致').waitFor();
  assert.equal(await page.locator('#p-name-error').isHidden(), true, 'a corrected field loses its error');
  await page.getByLabel('单价（元）').fill('3000000');
  await page.getByRole('button', { name: '保存为草稿' }).click();

  // Saved as a draft: my projects opens it.
  await page.locator('#projects-msg').getByText(/已创建项目“数控产线智能化改造”/).waitFor();
  await detail(page).getByText('草稿').first().waitFor();
  await detail(page).getByText('县（区）级').waitFor(); // 1200.5 tce needs a county-level energy review
  await page.locator('#equipment-table').getByText('五轴加工中心').waitFor();
  assert.equal(await overflows(page), false, 'project detail: no horizontal scrolling');
  await check(page, 'project-draft-phone');

  await detail(page).getByRole('button', { name: '提交', exact: true }).click();
  await page.locator('#projects-msg').getByText('已提交，项目状态：已提交').waitFor();
  await page.locator('#projects-table').getByText('已提交').waitFor();
  await page.locator('#events-table').getByText('ent1 (企业用户)').first().waitFor();
  await check(page, 'project-submitted-phone');
  await page.context().close();
});

test('the city official accepts and approves at city review; a return needs a comment', async () => {
  const page = await openPage(browser, server.url);
  await login(page, server.url, 'city.official', PASS);
  await page.getByRole('link', { name: '项目审核' }).click();
  await page.getByRole('heading', { name: '项目审核' }).waitFor();
  await page.locator('#review-queue').getByRole('button', { name: `查看项目：${PROJECT}` }).click();
  await detail(page).getByRole('button', { name: '受理' }).click();
  await page.locator('#review-msg').getByText('已受理，项目状态：地市审核中').waitFor();
  await detail(page).getByRole('button', { name: '审核通过，报省级' }).waitFor();
  // Returning without a reason is stopped before it reaches the server.
  await detail(page).getByRole('button', { name: '退回修改' }).click();
  await page.locator('#proj-action-msg').getByText('“退回修改”须填写意见。').waitFor();
  await check(page, 'review-city');

  // The county-level energy review is the city's to decide (the project cannot start before it passes).
  await detail(page).getByText('尚未审查；审查通过前不能开工。').waitFor();
  await page.getByLabel('节能审查意见').fill('能效达到行业先进水平');
  await detail(page).getByRole('button', { name: '审查通过', exact: true }).click();
  await detail(page).getByText(/审查通过（city\.official）/).waitFor();

  await page.getByLabel('意见', { exact: true }).fill('设备清单与备案一致，同意报省级审核。');
  await detail(page).getByRole('button', { name: '审核通过，报省级' }).click();
  await page.locator('#review-msg').getByText('已审核通过，报省级，项目状态：省级审核中').waitFor();
  await page.locator('#events-table').getByText('设备清单与备案一致，同意报省级审核。').waitFor();
  await page.locator('#proj-no-actions').waitFor(); // nothing more for the city at provincial review
  assert.equal(await detail(page).getByText('null').count(), 0, 'no empty slot shows as text');
  await check(page, 'review-city-forwarded');

  // The city's land-quota ledger: its own city only; it asks for an advance on next year.
  await page.getByRole('link', { name: '用地指标' }).click();
  await page.getByRole('heading', { name: '用地指标台账' }).waitFor();
  assert.equal(await page.getByLabel('地市').isDisabled(), true);
  await page.locator('#quota-balances').waitFor();
  await page.getByLabel('面积（亩）').fill('20');
  await page.getByLabel('理由', { exact: true }).fill('重点项目用地');
  await page.getByRole('button', { name: '提交预支申请' }).click();
  await page.locator('#advances-table').getByText('待审批').waitFor();
  await check(page, 'quota-city');
  await page.context().close();
});

test('the provincial official approves; allocates quota and approves the advance; the ledger shows it as a chart', async () => {
  const page = await openPage(browser, server.url);
  await login(page, server.url, 'prov.official', PASS);
  await page.getByRole('link', { name: '项目审核' }).click();
  await page.locator('#review-queue').getByRole('button', { name: `查看项目：${PROJECT}` }).click();
  await detail(page).getByText('省级审核中').first().waitFor();
  await detail(page).getByRole('button', { name: '批准', exact: true }).click();
  await page.locator('#review-msg').getByText('已批准，项目状态：已批准').waitFor();
  await check(page, 'review-provincial');

  await page.getByRole('link', { name: '用地指标' }).click();
  await page.getByLabel('地市').selectOption(ent.city);
  await page.locator('#quota-balances').waitFor();
  await page.getByLabel('面积（亩）').fill('100.5');
  await page.getByLabel('备注', { exact: true }).fill(`${YEAR} 年度计划`);
  await page.getByRole('button', { name: '下达', exact: true }).click();
  await page.locator('#entries-table').getByText('下达').waitFor();
  await page.getByRole('button', { name: /^批准预支 \d+$/ }).click();
  await page.locator('#advances-table').getByText('已批准').waitFor();
  assert.equal(await page.locator('#quota-available').textContent(), '120.5 亩', 'allocation plus the approved advance');
  assert.equal(await page.locator('#quota-owed').textContent(), '0 亩', 'the advance is owed by next year');
  // The approved project reserves its 12.5 mu.
  await page.getByLabel('项目', { exact: true }).fill('1');
  await page.getByLabel('操作', { exact: true }).selectOption('reserve');
  await page.getByRole('button', { name: '办理', exact: true }).click();
  await page.locator('#entries-table').getByText('预留').first().waitFor();
  assert.equal(await page.locator('#quota-available').textContent(), '108 亩');
  assert.equal(await page.locator('#quota-reserved').textContent(), '12.5 亩');
  await page.locator('#quota-chart canvas').waitFor();
  await check(page, 'quota-provincial');

  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('heading', { name: 'Land-use quota ledger' }).waitFor();
  await page.getByRole('link', { name: 'Project review' }).click();
  await page.getByRole('heading', { name: 'Due within 7 days' }).waitFor();
  await check(page, 'review-provincial-en');
  await page.context().close();
});

test('a bank publishes a loan product; the enterprise sees the approval, applies for the award and chooses the loan', async () => {
  const bank = await openPage(browser, server.url);
  await login(bank, server.url, 'bank.officer', PASS);
  await bank.getByRole('link', { name: '贷款产品' }).click();
  await bank.getByRole('heading', { name: 'gdbank 的贷款产品' }).waitFor();
  await bank.getByLabel('产品名称').fill('技改专项贷');
  await bank.getByLabel('年利率（%）').fill('3.45');
  await bank.getByLabel('期限（月）').fill('36');
  await bank.getByLabel('最低额度（元）').fill('1000000');
  await bank.getByLabel('最高额度（元）').fill('50000000');
  await bank.getByRole('button', { name: '发布', exact: true }).click();
  await bank.locator('#loan-msg').getByText('已发布“技改专项贷”。').waitFor();
  await bank.locator('#products-table').getByText('3.45%').waitFor();

  const page = await openPage(browser, server.url, { viewport: PHONE });
  await login(page, server.url, 'ent1', ENTERPRISE_PASSWORD);
  await page.getByRole('link', { name: '我的项目' }).click();
  await page.locator('#projects-table').getByText('已批准').waitFor();
  // By keyboard: the project opens with Enter and the panel takes the focus.
  await page.locator('#projects-table').getByRole('button', { name: `查看项目：${PROJECT}` }).focus();
  await page.keyboard.press('Enter');
  await detail(page).getByRole('button', { name: '开工建设' }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement.id), 'project-detail');
  const steps = await page.locator('#events-table tbody tr td:nth-child(2)').allTextContents();
  assert.deepEqual(steps, ['申报', '提交', '受理', '节能审查通过', '审核通过，报省级', '批准']);

  await page.getByLabel('政策编码或编号').fill(server.policy);
  await page.getByRole('button', { name: '申请政策奖补' }).click();
  await page.locator('#apply-msg').getByText('已申请政策 gd-equipment-reward，核定 6,000,000.00 元').waitFor();
  const award = page.locator('#awards .award').first();
  await award.getByText('6,000,000.00 元').first().waitFor();
  await award.getByText('min(6000000, 50000000) = 6000000').waitFor();

  await page.getByLabel('贷款产品', { exact: true }).selectOption({ label: 'gdbank · 技改专项贷' });
  await page.getByLabel('贷款本金（元）').fill('20000000');
  await page.getByRole('button', { name: '选择该贷款' }).click();
  await page.locator('#projects-msg').getByText('已选择 gdbank 的贷款，本金 20,000,000.00 元').waitFor();
  await page.locator('#events-table').getByText('选择贷款').waitFor(); // the panel reopens with the new history
  await page.locator('#events-table').getByText('申请政策奖补').waitFor();
  // The interest-subsidy form of the chosen loan is offered; computing one needs a published policy over loan.*,
  // which publishing refuses for now (its static check does not know loan.principal, loan.rate_bp, loan.days).
  await page.locator('#subsidy-policy').waitFor();
  assert.equal(await overflows(page), false, 'award and loan: no horizontal scrolling');
  await check(page, 'project-approved-phone');
  await page.context().close();

  await bank.reload();
  await bank.locator('#bank-projects-table').getByText('20,000,000.00 元').waitFor();
  await bank.locator('#bank-projects-table').getByText(PROJECT).waitFor();
  await check(bank, 'loans-bank');
  await bank.context().close();
});

test('a project returned with a reason is edited and resubmitted', async () => {
  const page = await openPage(browser, server.url, { viewport: PHONE });
  await login(page, server.url, 'ent1', ENTERPRISE_PASSWORD);
  await page.getByRole('heading', { name: '为我匹配的政策' }).waitFor();
  await page.goto(`${server.url}/#/projects/new`);
  await page.getByLabel('项目名称').fill('仓储数字化改造');
  await page.getByLabel('项目类型').selectOption('digital_transformation');
  await page.getByLabel('地市').selectOption(ent.city);
  await page.getByLabel('区县代码').fill(district());
  await page.getByLabel('备案代码').fill('2402-000002');
  await page.getByLabel('备案日期').fill('2024-02-01');
  await page.getByLabel('计划开工日期').fill('2024-04-01');
  await page.getByLabel('计划竣工日期').fill(`${YEAR + 1}-12-31`);
  await page.getByLabel('总投资（元）').fill('8000000');
  await page.getByLabel('设备投资（元）').fill('5000000');
  await page.getByRole('button', { name: '保存为草稿' }).click();
  await page.locator('#projects-msg').getByText(/已创建项目“仓储数字化改造”/).waitFor();
  await detail(page).getByRole('button', { name: '提交', exact: true }).click();
  await page.locator('#projects-msg').getByText('已提交，项目状态：已提交').waitFor();

  const city = await openPage(browser, server.url);
  await login(city, server.url, 'city.official', PASS);
  await city.getByRole('link', { name: '项目审核' }).click();
  await city.locator('#review-queue').getByRole('button', { name: '查看项目：仓储数字化改造' }).click();
  await detail(city).getByRole('button', { name: '受理' }).click();
  await city.locator('#review-msg').getByText(/项目状态：地市审核中/).waitFor();
  await city.getByLabel('意见', { exact: true }).fill('请补充设备清单。');
  await detail(city).getByRole('button', { name: '退回修改' }).click();
  await city.locator('#review-msg').getByText('已退回修改，项目状态：已退回').waitFor();
  await city.context().close();

  await page.reload();
  await page.locator('#projects-table').getByRole('button', { name: '查看项目：仓储数字化改造' }).click();
  await page.locator('#events-table').getByText('请补充设备清单。').waitFor();
  await detail(page).getByRole('button', { name: '修改项目' }).click();
  await page.getByRole('heading', { name: '修改项目：仓储数字化改造' }).waitFor();
  assert.equal(await page.getByLabel('备案代码').inputValue(), '2402-000002', 'the form holds the stored project');
  await page.getByRole('button', { name: '添加设备' }).click();
  await page.getByLabel('设备名称').fill('智能仓储系统');
  await page.getByLabel('类别').fill('logistics');
  await page.getByLabel('数量').fill('2');
  await page.getByLabel('单价（元）').fill('2500000');
  await page.getByLabel('进口设备').check();
  await check(page, 'project-edit-phone');
  await page.getByRole('button', { name: '保存修改' }).click();
  await page.locator('#projects-msg').getByText(/已保存项目“仓储数字化改造”/).waitFor();
  await page.locator('#equipment-table').getByText('进口设备').waitFor();
  await detail(page).getByRole('button', { name: '重新提交' }).click();
  await page.locator('#projects-msg').getByText('已重新提交，项目状态：已提交').waitFor();
  await check(page, 'project-resubmitted-phone');

  await page.getByLabel('语言').selectOption('en');
  await page.getByRole('heading', { name: 'My projects' }).waitFor();
  await page.locator('#projects-table').getByRole('button', { name: 'Open project: 仓储数字化改造' }).click();
  await page.locator('#events-table').getByText('Return for changes').waitFor();
  await detail(page).getByText('Digital transformation').waitFor();
  assert.equal(await overflows(page), false, 'English on a phone: no horizontal scrolling');
  await check(page, 'project-en-phone');
  await page.context().close();
});
