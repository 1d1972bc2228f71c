// province.mjs — a server whose database holds a small synthetic province (techup gen --enterprises 2000
// --seed 3, then techup import), with an enterprise user for a manufacturer of that province that has its
// revenue, R&D ratio and tags filled in but no energy use, and a policy set made for it
// (serve --policies): one policy it meets, one it misses by one condition, one it lacks data for, one it fails.
// server.extra.enterprise is that enterprise's CSV row, server.extra.policies the policies.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { login, startServer } from './harness.mjs';

// Rows of the generator's CSV as objects (quoted cells allowed).
export function parseCsv(text) {
  const [head, ...lines] = text.trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => {
    const cells = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < l.length; i++) {
      const c = l[i];
      if (quoted) {
        if (c === '"' && l[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') { cells.push(cur); cur = ''; } else cur += c;
    }
    cells.push(cur);
    return Object.fromEntries(cols.map((k, i) => [k, cells[i] ?? '']));
  });
}

const C = { '==': [{ var: 'industry_section' }, 'C'] };

function makePolicies(ent) {
  const rev = Number(ent.revenue);
  return [
    { id: 1, title: '制造业企业技术改造奖励', rule: { and: [C, { '>=': [{ var: 'revenue' }, Math.floor(rev / 2)] }] } },
    { id: 2, title: '制造业龙头企业设备更新补助', rule: { and: [C, { '>=': [{ var: 'revenue' }, Math.ceil(rev * 2)] }] } },
    { id: 3, title: '绿色工厂节能改造补助', rule: { and: [C, { '<': [{ var: 'energy_tce' }, 5000] }] } },
    // Two conditions unmet: not even a near miss.
    { id: 4, title: '大型农业企业机械购置补贴', rule: { and: [{ '==': [{ var: 'industry_section' }, 'A'] }, { '>=': [{ var: 'revenue' }, Math.ceil(rev * 2)] }] } },
  ];
}

export const ENTERPRISE_PASSWORD = 'enterprise password 1';

// more({techup, db, dir, enterprise}) runs after the import and may return {users, ...} merged into server.extra.
export function startProvince({ users = [], more = null } = {}) {
  return startServer({
    users,
    setup({ techup, db, dir }) {
      const csv = join(dir, 'province.csv');
      techup(['gen', '--enterprises', '2000', '--seed', '3', '--out', csv]);
      techup(['import', '--db', db, csv]);
      const rows = parseCsv(readFileSync(csv, 'utf8'));
      const full = rows.filter((r) => r.industry.startsWith('C') && r.revenue && r.rd_ratio && r.tags && r.size);
      const ent = full.find((r) => !r.energy_tce);
      if (!ent) throw new Error('no manufacturer with revenue, R&D ratio, tags and size but no energy use in the province');
      const policies = makePolicies(ent);
      const file = join(dir, 'policies.json');
      writeFileSync(file, JSON.stringify(policies));
      const added = more ? more({ techup, db, dir, enterprise: ent }) || {} : {};
      return {
        ...added,
        enterprise: ent, policies, serveArgs: ['--policies', file],
        users: [{ name: 'ent1', role: 'enterprise', scope: ent.uscc, password: ENTERPRISE_PASSWORD }, ...(added.users || [])],
      };
    },
  });
}

// A provincial official for the tests that need one, and its login (its home is the rule editor).
export const PROVINCIAL = { name: 'prov1', role: 'provincial_official', password: 'official password 1' };

export async function loginOfficial(page, url) {
  await login(page, url, PROVINCIAL.name, PROVINCIAL.password);
  await page.getByRole('heading', { name: '规则编辑器' }).waitFor();
}
