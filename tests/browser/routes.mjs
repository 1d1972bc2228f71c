// routes.mjs — whether the server's route table (src/http/routes.c) has the routes a test needs, so a page built
// ahead of its API is tested as soon as the route lands: skipUnless('GET /api/v1/policies', ...) is false when
// every route is there, else the reason to skip ("waiting for ...").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './harness.mjs';

const table = readFileSync(join(root, 'src', 'http', 'routes.c'), 'utf8');
const have = new Set([...table.matchAll(/\{TU_M_(\w+),\s*"([^"]+)"/g)].map((m) => `${m[1]} ${m[2]}`));

export function skipUnless(...routes) {
  const missing = routes.filter((r) => !have.has(r));
  return missing.length ? `waiting for ${missing.join(', ')}` : false;
}
