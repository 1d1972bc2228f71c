// library.mjs — published policies in the store for the library, inbox, grant and dispute tests: a province
// (province.mjs) plus policies added, previewed and published through the CLI (`techup policy`), in both
// languages, with application windows around today's date so "open for application" has both answers.
// server.extra.library is the list of {id, code, title, ...} as added.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProvince } from './province.mjs';

const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

export function libraryPolicies(ent) {
  const half = Math.floor(Number(ent.revenue) / 2);
  return [
    { code: 'equip-renewal', title: { zh: '制造业设备更新奖励', en: 'Equipment renewal reward for manufacturing' },
      summary: { zh: '对购置先进设备的制造业企业给予奖励。', en: 'A reward for manufacturers that buy advanced equipment.' },
      department: '广东省工业和信息化厅', doc_number: '粤工信技改〔2026〕12号', category: 'equipment_reward',
      full_text: '第一条 为推动大规模设备更新，对制造业企业购置先进设备给予奖励。', valid_from: day(-60), valid_to: day(400),
      apply_from: day(-30), apply_to: day(60), mode: 'apply', cities: ['440000'], keywords: ['设备更新', '技术改造'],
      rule_text: `industry_section == "C" and revenue >= ${half}` },
    { code: 'sme-loan', title: { zh: '中小企业技改贷款贴息', en: 'Loan interest subsidy for SME upgrades' },
      summary: { zh: '对技术改造项目贷款给予贴息。', en: 'Interest subsidies on upgrade loans.' },
      department: '广东省财政厅', doc_number: '粤财工〔2026〕8号', category: 'loan_interest', valid_from: day(-90),
      valid_to: day(300), apply_from: day(-10), apply_to: day(20), mode: 'apply', cities: ['440000'],
      rule_text: 'size == "small" or size == "medium"' },
    { code: 'green-factory', title: { zh: '绿色工厂节能改造补助', en: 'Energy-saving retrofit grant for green factories' },
      department: '广东省工业和信息化厅', doc_number: '粤工信节能〔2025〕3号', category: 'energy', valid_from: day(-400),
      valid_to: day(200), apply_from: day(-400), apply_to: day(-100), mode: 'apply', cities: ['440000'],
      rule_text: 'industry_section == "C" and energy_tce < 5000' },
    { code: 'zhuanjing-grant', title: { zh: '专精特新企业培育奖励（免申即享）', en: 'Specialised SME cultivation award (no application)' },
      department: '广东省工业和信息化厅', doc_number: '粤工信中小〔2026〕21号', category: 'cultivation', valid_from: day(-30),
      valid_to: day(300), mode: 'no_application', cities: ['440000'], benefit_text: '100000',
      rule_text: `industry_section == "C" and revenue >= ${half}` },
  ];
}

// Adds each policy as a draft, previews and publishes it to no one (the CLI takes the eligible set as a file;
// the tests that need recipients publish through the API, which matches), except the codes in drafts, which
// stay drafts. Returns them with their ids.
export function addPolicies({ techup, db, dir }, list, { drafts = [] } = {}) {
  const empty = join(dir, 'nobody.txt');
  writeFileSync(empty, '');
  return list.map((p, i) => {
    const file = join(dir, `policy-${i}.json`);
    writeFileSync(file, JSON.stringify(p));
    const id = Number(techup(['policy', 'add', file, '--db', db]).trim());
    if (!drafts.includes(p.code)) {
      techup(['policy', 'preview', String(id), '--db', db]);
      techup(['policy', 'publish', String(id), '--recipients-from', empty, '--db', db]);
    }
    return { ...p, id };
  });
}

export function startLibrary({ users = [], drafts = [] } = {}) {
  return startProvince({
    users,
    more: (ctx) => ({ library: addPolicies(ctx, libraryPolicies(ctx.enterprise), { drafts }) }),
  });
}
