// i18n.test.mjs — the message catalogs: both languages have the same keys, no message is empty, and every key
// the code names literally (t('...'), data-i18n="...", nav: '...') exists. Keys built at run time (role.${x},
// forme.${group}, city.<code>) are checked by the browser tests that show them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { root } from './harness.mjs';

const web = join(root, 'web');
// The main catalog of a language merged with the area catalogs (i18n/<area>.<lang>.json), as i18n.js does.
function catalog(lang) {
  const files = readdirSync(join(web, 'i18n')).filter((f) => f === `${lang}.json` || f.endsWith(`.${lang}.json`));
  return Object.assign({}, ...files.map((f) => JSON.parse(readFileSync(join(web, 'i18n', f), 'utf8'))));
}
const zh = catalog('zh-CN');
const en = catalog('en');

function sources() {
  const dirs = [join(web, 'js'), join(web, 'js', 'pages')];
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.js')).map((f) => join(d, f)));
  return [...files, join(web, 'index.html')].map((f) => [f, readFileSync(f, 'utf8')]);
}

test('both catalogs have the same keys and no empty message', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
  for (const [k, v] of [...Object.entries(zh), ...Object.entries(en)]) assert.ok(typeof v === 'string' && v.trim(), k);
});

test('every key the code names exists', () => {
  const re = /(?:\bt\(|data-i18n=|\bnav: |barChart\('[\w-]+', )['"]([a-z_]+\.[a-z_.]+)['"]/g;
  let n = 0;
  for (const [file, text] of sources()) {
    for (const m of text.matchAll(re)) {
      n++;
      assert.ok(m[1] in zh, `${file}: '${m[1]}' is not in the catalogs`);
    }
  }
  assert.ok(n > 100, `found ${n} keys: the pattern still matches the code`);
});
