// harness.mjs — starts a real `techup serve` on a free loopback port with a fresh database and users, and a
// headless Debian Chromium through playwright-core. Every page a test opens is checked for console errors and
// run through axe-core's label and contrast rules; a screenshot of it lands in tests/browser/screenshots/.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
const bin = process.env.TECHUP_BIN || join(root, 'build', 'techup');
const shots = join(here, 'screenshots');
const axeSource = readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

function techup(args, input) {
  const r = spawnSync(bin, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`techup ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

// setup({techup, db, dir}) runs before the users are added and may return {users: [...]} to add more and
// {serveArgs: [...]} for `techup serve`.
export async function startServer({ users = [], setup } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'techup-browser-'));
  const db = join(dir, 'techup.db');
  const extra = (setup && setup({ techup, db, dir })) || {};
  for (const u of [...users, ...(extra.users || [])]) {
    const args = ['user', 'add', u.name, '--role', u.role, '--password-stdin', '--db', db];
    if (u.scope) args.push('--scope', u.scope);
    techup(args, `${u.password}\n`);
  }
  const proc = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', join(root, 'web'), '--threads', '2',
    ...(extra.serveArgs || [])],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${log}`)), 15000);
    proc.stderr.on('data', (d) => {
      log += d;
      const m = log.match(/listening on port (\d+)/);
      if (m) { clearTimeout(timer); resolve(`http://127.0.0.1:${m[1]}`); }
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${log}`)));
  });
  return {
    url, db, extra, techup: (args, input) => techup([...args, '--db', db], input),
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startBrowser() {
  mkdirSync(shots, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// A page whose console errors and uncaught exceptions are collected; check(page, name) asserts on them.
export async function openPage(browser, url, { viewport = { width: 1280, height: 800 }, lang = 'zh-CN' } = {}) {
  const context = await browser.newContext({ viewport, locale: lang });
  const page = await context.newPage();
  page.errors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(url);
  return page;
}

// Screenshot, then axe-core (labels, names and colour contrast), then no console errors.
export async function check(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  // Evaluated through the DevTools protocol: the page's strict CSP (rightly) refuses an injected script tag,
  // and bypassing CSP for the whole context would hide the portal's own violations.
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'rule', values: ['label', 'color-contrast', 'button-name', 'link-name', 'document-title', 'html-has-lang', 'image-alt', 'select-name'] } });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  if (result.length) throw new Error(`${name}: accessibility violations:\n${result.join('\n')}`);
  if (page.errors.length) throw new Error(`${name}: console errors:\n${page.errors.join('\n')}`);
}

// Logs in through the login form; the router then shows the user's home page.
export async function login(page, url, name, password) {
  await page.goto(`${url}/#/login`);
  await page.getByLabel(/用户名|User name/).fill(name);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.getByRole('button', { name: /^(登录|Log in)$/ }).click();
}

// True when the page is wider than the viewport (a phone would scroll sideways).
export function overflows(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}
