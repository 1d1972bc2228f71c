// province.mjs — a server whose database holds a small synthetic province (techup gen --enterprises 2000
// --seed 3, then techup import), with an enterprise user for a manufacturer of that province that has its
// revenue, R&D ratio and tags filled in. server.extra.enterprise is that enterprise's CSV row.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './harness.mjs';

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

export const ENTERPRISE_PASSWORD = 'enterprise password 1';

export function startProvince({ users = [] } = {}) {
  return startServer({
    users,
    setup({ techup, db, dir }) {
      const csv = join(dir, 'province.csv');
      techup(['gen', '--enterprises', '2000', '--seed', '3', '--out', csv]);
      techup(['import', '--db', db, csv]);
      const rows = parseCsv(readFileSync(csv, 'utf8'));
      const ent = rows.find((r) => r.industry.startsWith('C') && r.revenue && r.rd_ratio && r.tags && r.size);
      if (!ent) throw new Error('no manufacturer with revenue, R&D ratio, tags and size in the generated province');
      return { enterprise: ent, users: [{ name: 'ent1', role: 'enterprise', scope: ent.uscc, password: ENTERPRISE_PASSWORD }] };
    },
  });
}
