import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeExamples } from '../../src/examples/write-examples.js';
import { cli, REPO_ROOT, tempDir } from '../helpers.js';

// Golden files for `summary --json`. After an intended change, review the diff and rewrite them
// with UPDATE_GOLDEN=1 npx vitest run test/e2e/golden.test.ts.
const GOLDEN = join(REPO_ROOT, 'test/golden');
const update = process.env.UPDATE_GOLDEN === '1';

describe('summary --json golden files', () => {
  const tmp = tempDir();
  const db = join(tmp.dir, 'golden.duckdb');

  beforeAll(async () => {
    const { files } = await writeExamples(join(tmp.dir, 'example'), { seed: 42 });
    for (const f of files) {
      const all = { ...f.labels, source: f.format };
      const labels = Object.entries(all).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
      const r = await cli(['ingest', f.path, '--db', db, '--format', f.format, ...labels]);
      expect(r.code, r.stderr).toBe(0);
    }
  });
  afterAll(() => tmp.cleanup());

  const cases: [string, string[]][] = [
    ['summary-by-source-slo', ['--by', 'label:source', '--slo', 'ttft=200ms,tpot=30ms']],
    ['summary-by-pool', ['--by', 'pool']],
    [
      'summary-window',
      ['--by', 'label:source', '--window', '2025-11-20T12:00:10Z..2025-11-20T12:00:40Z'],
    ],
  ];
  for (const [name, args] of cases) {
    it(name, async () => {
      const r = await cli(['summary', '--db', db, '--json', ...args]);
      expect(r.code, r.stderr).toBe(0);
      const path = join(GOLDEN, `${name}.json`);
      if (update || !existsSync(path)) writeFileSync(path, r.stdout);
      expect(r.stdout).toBe(readFileSync(path, 'utf8'));
    });
  }
});
