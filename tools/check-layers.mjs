#!/usr/bin/env node
// Layer check (STYLE.md P1): imports inside src/ only point down the layers, and there are no import cycles.
// Each top-level folder (or root file) of src/ is a layer; ALLOWED lists what each may import.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';

const SRC = resolve(new URL('..', import.meta.url).pathname, 'src');
const BASE = ['util', 'errors'];
const ALLOWED = {
  util: ['errors'],
  errors: [],
  observability: BASE,
  sip: BASE,
  codecs: BASE,
  // config validates listen URLs with the transport's pure parser (transport/listen-url.ts); transport never
  // imports config.
  config: [...BASE, 'sip', 'transport'],
  transport: [...BASE, 'observability', 'sip'],
  transaction: [...BASE, 'observability', 'sip', 'transport'],
  // dialog/session-refresh.ts runs the pure session-timer verdicts of policy/ (which imports neither dialog nor b2bua).
  dialog: [...BASE, 'observability', 'sip', 'transaction', 'transport', 'policy', 'config'],
  policy: [...BASE, 'sip', 'config'],
  interworking: [...BASE, 'sip', 'codecs', 'config'],
  b2bua: [...BASE, 'observability', 'sip', 'transport', 'transaction', 'dialog', 'policy', 'interworking', 'config'],
  cdr: [...BASE, 'observability', 'b2bua', 'config'],
  admin: [...BASE, 'observability', 'sip', 'transport', 'transaction', 'dialog', 'policy', 'interworking', 'config', 'b2bua', 'cdr'],
  // composition roots and the CLI may use everything
  '@root': '*',
  cli: '*',
};
// cdr may import only *types* from b2bua (STYLE.md §1).
const TYPE_ONLY = { cdr: ['b2bua'] };

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) { if (name !== 'generated') out.push(...walk(p)); }
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}
const layerOf = (file) => {
  const rel = relative(SRC, file).split(sep);
  return rel.length === 1 ? '@root' : rel[0];
};
const IMPORT_RE = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
const problems = [];
const graph = new Map();
const files = walk(SRC);
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const from = layerOf(file);
  const edges = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[3];
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
    const to = layerOf(target);
    const isType = Boolean(m[2]);
    if (!isType) edges.push(target);
    if (to === from) continue;
    const allowed = ALLOWED[from];
    if (allowed === undefined) { problems.push(`${relative(SRC, file)}: folder '${from}' has no layer rule in tools/check-layers.mjs`); continue; }
    if (allowed === '*') continue;
    if (allowed.includes(to)) continue;
    if (isType && (TYPE_ONLY[from] ?? []).includes(to)) continue;
    problems.push(`${relative(SRC, file)}: layer '${from}' may not import '${relative(SRC, target)}' (layer '${to}')`);
  }
  graph.set(file, edges);
}
// Cycle check over value imports (type-only imports are erased at run time).
const state = new Map();
const stack = [];
function visit(f) {
  state.set(f, 1); stack.push(f);
  for (const g of graph.get(f) ?? []) {
    if (!graph.has(g)) continue;
    if (state.get(g) === 1) {
      const cyc = stack.slice(stack.indexOf(g)).concat(g).map((x) => relative(SRC, x));
      problems.push(`import cycle: ${cyc.join(' -> ')}`);
    } else if (!state.has(g)) visit(g);
  }
  stack.pop(); state.set(f, 2);
}
for (const f of graph.keys()) if (!state.has(f)) visit(f);
if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`check-layers: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`check-layers: ${files.length} files, layers respected, no cycles`);
