import { describe, expect, it } from 'vitest';
import { InferscopeError } from '../base/errors.js';
import { withStore } from '../../test/helpers.js';

describe('typed queries with row specs', () => {
  it('converts DuckDB values to the spec kinds', async () => {
    await withStore(async (store) => {
      const rows = await store.query(
        `SELECT 'a' AS s, NULL::VARCHAR AS s2, 1.25::DECIMAL(5,2) AS f, 7::BIGINT AS i,
                9007199254740993::BIGINT AS b, true AS t, 'inf'::DOUBLE AS inf`,
        { s: 'text', s2: 'text?', f: 'float', i: 'int', b: 'bigint', t: 'bool', inf: 'float' },
      );
      expect(rows).toEqual([
        { s: 'a', s2: null, f: 1.25, i: 7, b: 9007199254740993n, t: true, inf: Infinity },
      ]);
    });
  });

  it('fails loudly on a NULL in a required column or a missing column', async () => {
    await withStore(async (store) => {
      await expect(store.query(`SELECT NULL::INTEGER AS x`, { x: 'int' })).rejects.toThrow(/NULL/);
      await expect(store.query(`SELECT 1 AS x`, { y: 'int' })).rejects.toThrow(/no column y/);
      await expect(store.query(`SELECT 1.5 AS x`, { x: 'int' })).rejects.toBeInstanceOf(
        InferscopeError,
      );
    });
  });

  it('wraps SQL errors with the query', async () => {
    await withStore(async (store) => {
      await expect(store.queryRaw('SELEC 1')).rejects.toMatchObject({ code: 'QUERY_ERROR' });
    });
  });
});
