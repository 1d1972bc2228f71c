// grants.test.mjs — 免申即享: an official picks a no-application policy, generates its grant list, opens it
// (enterprises with their computed benefit), approves it once, and exports it as CSV and XLSX downloads.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { check, openPage, overflows, startBrowser } from './harness.mjs';
import { startLibrary } from './library.mjs';
import { PROVINCIAL, loginOfficial } from './province.mjs';

let server;
let browser;

before(async () => {
  // The 免申即享 policy stays a draft: the official publishes it here, to the enterprises the engine finds, and
  // its grant list is made from those recipients.
  server = await startLibrary({ users: [PROVINCIAL], drafts: ['zhuanjing-grant'] });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an official generates, approves and exports a grant list', async () => {
  const page = await openPage(browser, server.url);
  await loginOfficial(page, server.url);
  const id = server.extra.library.find((p) => p.mode === 'no_application').id;
  await page.goto(`${server.url}/#/policy/${id}`);
  await page.getByRole('button', { name: '发布' }).click();
  await page.locator('#publish-result').getByText(/已发布，推送给 [1-9][\d,]* 家企业/).waitFor();
  await page.getByRole('link', { name: '免申即享名单' }).click();
  await page.getByRole('heading', { name: '免申即享名单' }).waitFor();
  assert.equal(await page.getByLabel('政策', { exact: true }).inputValue(), String(id), 'the policy is chosen');
  await page.getByRole('heading', { name: '免申即享名单' }).waitFor();
  const policy = page.getByLabel('政策', { exact: true });
  await page.waitForFunction(() => document.querySelectorAll('#grant-policy option').length > 1);
  const options = await policy.locator('option').allTextContents();
  assert.deepEqual(options.slice(1), ['专精特新企业培育奖励（免申即享）'], 'only the no-application policies');
  await policy.selectOption({ index: 1 });
  await page.getByRole('button', { name: '生成名单' }).click();
  await page.locator('#grant-status').getByText('待审核').waitFor();
  await page.locator('#grant-items tbody tr').first().waitFor();
  const first = await page.locator('#grant-items tbody tr').first().locator('td').allTextContents();
  assert.match(first[2], /100,000\.00/, `the formula's 100,000 yuan: ${first}`);
  await check(page, 'grants-generated');

  await page.getByRole('button', { name: '审核通过' }).click();
  await page.locator('#grant-status').getByText('已通过').waitFor();
  assert.equal(await page.locator('#approve-btn').count(), 0, 'approved once');

  for (const [id, type, ext] of [['#export-csv', /text\/csv/, '.csv'], ['#export-xlsx', /spreadsheetml|octet-stream/, '.xlsx']]) {
    const href = await page.locator(id).getAttribute('href');
    const res = await page.request.get(`${server.url}${href}`);
    assert.equal(res.status(), 200, href);
    assert.match(res.headers()['content-type'], type);
    assert.match(res.headers()['content-disposition'] || '', new RegExp(`attachment.*\\${ext}`));
    if (ext === '.csv') assert.match(await res.text(), /^list,policy,version,enterprise,uscc,benefit_yuan/);
  }
  await check(page, 'grants-approved');
  await page.context().close();
});

test('the grant lists fit a phone', async () => {
  const page = await openPage(browser, server.url, { viewport: { width: 375, height: 667 } });
  await loginOfficial(page, server.url);
  const id = server.extra.library.find((p) => p.mode === 'no_application').id;
  await page.goto(`${server.url}/#/grants/${id}`);
  await page.locator('#grant-lists-table').waitFor();
  assert.equal(await overflows(page), false);
  await check(page, 'grants-phone');
  await page.context().close();
});
