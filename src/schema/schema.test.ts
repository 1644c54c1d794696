import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { columnsOf, createTableSql, TABLE_NAMES } from './ddl.js';
import { requestFlags, requestFlagsSql, TIMESTAMP_ORDER } from './checks.js';
import { requestRecord } from './records.js';
import { SCHEMA_VERSION } from './migrations.js';
import { withStore } from '../../test/helpers.js';

describe('canonical schema', () => {
  it('derives DDL from the zod schemas, with nullability from optional()', () => {
    const cols = columnsOf('request');
    expect(cols.find((c) => c.name === 'request_id')).toMatchObject({
      sql: 'VARCHAR',
      nullable: false,
    });
    expect(cols.find((c) => c.name === 't_first_token_ns')).toMatchObject({
      sql: 'BIGINT',
      nullable: true,
    });
    expect(createTableSql('chunk')).toMatch(
      /^CREATE TABLE IF NOT EXISTS chunk \(\n {2}ingest_id VARCHAR NOT NULL,/,
    );
  });

  it('migrating an empty database yields exactly the columns the zod schemas declare', async () => {
    await withStore(async (store) => {
      expect(await store.schemaVersion()).toBe(SCHEMA_VERSION);
      for (const t of TABLE_NAMES) {
        const rows = await store.query(
          `SELECT column_name AS name, data_type AS sql, is_nullable = 'YES' AS nullable
           FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position`,
          { name: 'text', sql: 'text', nullable: 'bool' },
          [t],
        );
        expect(rows, t).toEqual(
          columnsOf(t).map(({ name, sql, nullable }) => ({ name, sql, nullable })),
        );
      }
    });
  });

  it('re-opening a migrated database changes nothing', async () => {
    await withStore(async (store) => {
      await store.migrate();
      const v = await store.query(`SELECT count(*) AS n FROM schema_meta`, { n: 'int' });
      expect(v[0].n).toBe(1);
    });
  });

  it('rejects wrong types and negative counts', () => {
    const base = {
      ingest_id: 'x',
      request_id: '1',
      vantage: 'client',
      clock: 'epoch',
      status: 'ok',
    } as const;
    expect(requestRecord.safeParse(base).success).toBe(true);
    expect(requestRecord.safeParse({ ...base, output_tokens: -1 }).success).toBe(false);
    expect(requestRecord.safeParse({ ...base, t_end_ns: 1.5 }).success).toBe(false);
    expect(requestRecord.safeParse({ ...base, status: 'fine' }).success).toBe(false);
  });
});

describe('timing checks', () => {
  it('flags out-of-order, negative and skewed timestamps', () => {
    const r = { clock: 'epoch' as const, vantage: 'client' as const };
    expect(
      requestFlags({ ...r, t_client_send_ns: 10n, t_first_token_ns: 20n, t_end_ns: 30n }),
    ).toBeUndefined();
    expect(requestFlags({ ...r, t_first_token_ns: 20n, t_last_token_ns: 10n })).toBe(
      'out_of_order',
    );
    expect(requestFlags({ ...r, t_client_send_ns: 50n, t_replica_arrival_ns: 40n })).toBe(
      'clock_skew',
    );
    expect(requestFlags({ clock: 'request', t_client_send_ns: 0n, t_first_token_ns: -5n })).toBe(
      'negative_duration,out_of_order',
    );
  });

  it('the SQL rules agree with the JS rules on random timelines', async () => {
    await withStore(async (store) => {
      const ts = fc.option(fc.bigInt({ min: -5n, max: 20n }), { nil: undefined });
      const arb = fc.record({
        clock: fc.constantFrom('epoch', 'request'),
        vantage: fc.constantFrom('client', 'server'),
        ...Object.fromEntries(TIMESTAMP_ORDER.map((f) => [f, ts])),
      });
      const samples = fc.sample(arb, { numRuns: 300, seed: 11 }) as Record<string, unknown>[];
      const values = samples
        .map(
          (s) =>
            `(${[`'${String(s.clock)}'`, `'${String(s.vantage)}'`, ...TIMESTAMP_ORDER.map((f) => (s[f] === undefined ? 'NULL' : String(s[f])))].join(', ')})`,
        )
        .join(',\n');
      const rows = await store.queryRaw(
        `SELECT ${requestFlagsSql()} AS flags FROM (VALUES ${values}) AS t(clock, vantage, ${TIMESTAMP_ORDER.join(', ')})`,
      );
      samples.forEach((s, i) => {
        expect(
          rows[i].flags ?? undefined,
          JSON.stringify(s, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
        ).toBe(requestFlags(s as never));
      });
    });
  });

  it('the SQL rules restricted to the filled columns flag the same rows', async () => {
    await withStore(async (store) => {
      const filled = ['t_client_send_ns', 't_first_token_ns', 't_end_ns'] as const;
      const ts = fc.option(fc.bigInt({ min: -5n, max: 20n }), { nil: undefined });
      const arb = fc.record({
        clock: fc.constantFrom('epoch', 'request'),
        vantage: fc.constantFrom('client', 'server'),
        ...Object.fromEntries(filled.map((f) => [f, ts])),
      });
      const samples = fc.sample(arb, { numRuns: 200, seed: 5 }) as Record<string, unknown>[];
      const values = samples
        .map(
          (s) =>
            `('${String(s.clock)}', '${String(s.vantage)}', ${filled.map((f) => (s[f] === undefined ? 'NULL' : String(s[f]))).join(', ')})`,
        )
        .join(',\n');
      const rows = await store.queryRaw(
        `SELECT ${requestFlagsSql([...filled])} AS flags FROM (VALUES ${values}) AS t(clock, vantage, ${filled.join(', ')})`,
      );
      samples.forEach((s, i) => expect(rows[i].flags ?? undefined).toBe(requestFlags(s as never)));
    });
  });
});
