// Checks the import layering of src/: each top-level folder may import only the folders that
// docs/architecture.md's "Import rules" table allows. The table is the single source of truth.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const doc = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
const section = doc.split('## Import rules')[1]?.split('\n## ')[0] ?? '';
const rules = new Map();
for (const line of section.split('\n')) {
  const m = /^\|\s*`([a-z-]+)\/`\s*\|\s*([^|]*)\|/.exec(line);
  if (!m) continue;
  const allowed = [...m[2].matchAll(/`([a-z-]+)\/`/g)].map((x) => x[1]);
  rules.set(m[1], new Set([m[1], ...allowed]));
}
if (rules.size === 0) {
  console.error('check-layers: no rules found under "## Import rules" in docs/architecture.md');
  process.exit(2);
}

const files = [];
const walk = (d) => {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (statSync(p).isDirectory()) walk(p);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts')) files.push(p);
  }
};
walk(join(root, 'src'));

const problems = [];
for (const file of files) {
  const layer = relative(join(root, 'src'), file).split('/')[0];
  const allowed = rules.get(layer);
  if (!allowed) {
    problems.push(
      `${relative(root, file)}: folder src/${layer}/ has no row in the import rules table`,
    );
    continue;
  }
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(
    /^\s*(import|export)\s+(type\s+)?[^'"]*from\s+['"](\.[^'"]+)['"]/gm,
  )) {
    const targetPath = relative(join(root, 'src'), resolve(dirname(file), m[3])).split('/');
    const target = targetPath[0];
    if (target.startsWith('..')) continue;
    const typeOnly = Boolean(m[2]);
    const sub = relative(join(root, 'src'), file).split('/')[1];
    if (!allowed.has(target)) {
      problems.push(
        `${relative(root, file)}: src/${layer}/ may not import src/${target}/ (${m[3]})`,
      );
    } else if (
      layer === 'analyses' &&
      target === 'analyses' &&
      targetPath[1] !== sub &&
      !typeOnly
    ) {
      // Analyses may use each other's result types, never their code.
      problems.push(
        `${relative(root, file)}: analyses/${sub} may import only types from analyses/${targetPath[1]} (${m[3]})`,
      );
    } else if (layer === 'outputs' && target === 'analyses' && !typeOnly) {
      // Outputs render results; they never run analyses or query.
      problems.push(
        `${relative(root, file)}: outputs may import only types from analyses (${m[3]})`,
      );
    }
  }
}
if (problems.length) {
  console.error(
    `check-layers: ${problems.length} violation(s) of docs/architecture.md:\n  ${problems.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(`check-layers: ${files.length} files respect the import rules`);
