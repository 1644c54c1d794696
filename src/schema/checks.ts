/**
 * @module Semantic checks of request timings. Bad timings are flagged and counted, never dropped:
 * analyses exclude flagged requests from latency statistics and say how many they excluded.
 * The same rules exist as a SQL expression for native (DuckDB-read) loads; a test keeps the two
 * in agreement.
 */

import type { Emitted } from './records.js';

/** The lifecycle order of request timestamps. */
export const TIMESTAMP_ORDER = [
  't_client_send_ns',
  't_router_in_ns',
  't_router_out_ns',
  't_replica_arrival_ns',
  't_queued_ns',
  't_scheduled_ns',
  't_first_token_ns',
  't_last_token_ns',
  't_end_ns',
] as const;

export type TsField = (typeof TIMESTAMP_ORDER)[number];

/**
 * Fields stamped only by a client's clock, and only by routers or servers. Token times are stamped
 * by whoever observed them (client or server), so they belong to neither side.
 */
const CLIENT_FIELDS = new Set<TsField>(['t_client_send_ns', 't_end_ns']);
const SERVER_FIELDS = new Set<TsField>([
  't_router_in_ns',
  't_router_out_ns',
  't_replica_arrival_ns',
  't_queued_ns',
  't_scheduled_ns',
]);

/**
 * True when a pair compares a client-clock stamp with a server-clock stamp. Only client-vantage
 * records mix clocks; for the others every stamp comes from one clock (or one trace).
 */
function crossesClocks(a: TsField, b: TsField): boolean {
  return (
    (CLIENT_FIELDS.has(a) && SERVER_FIELDS.has(b)) || (SERVER_FIELDS.has(a) && CLIENT_FIELDS.has(b))
  );
}

export const REQUEST_FLAGS = {
  negative_duration: 'a timestamp lies before the request start (request clock)',
  out_of_order: 'timestamps of one clock run backwards (e.g. first token after last token)',
  clock_skew: 'client and server timestamps disagree (e.g. server arrival before client send)',
  bad_chunks: 'streamed chunks arrive out of order or before the request start',
} as const;

export type RequestFlag = keyof typeof REQUEST_FLAGS;

/** Flags for one request, as a sorted comma-separated string, or undefined when clean. */
export function requestFlags(r: Partial<Emitted<'request'>>): string | undefined {
  const flags = new Set<RequestFlag>();
  if (r.clock === 'request') {
    for (const f of TIMESTAMP_ORDER) {
      const v = r[f];
      if (typeof v === 'bigint' && v < 0n) flags.add('negative_duration');
    }
  }
  let prev: { field: TsField; value: bigint } | undefined;
  for (const f of TIMESTAMP_ORDER) {
    const v = r[f];
    if (typeof v !== 'bigint') continue;
    if (prev && v < prev.value) {
      const skew = r.vantage === 'client' && crossesClocks(prev.field, f);
      flags.add(skew ? 'clock_skew' : 'out_of_order');
    }
    prev = { field: f, value: v };
  }
  return flags.size ? [...flags].sort().join(',') : undefined;
}

/**
 * The same rules as `requestFlags`, as a SQL expression over a relation whose columns carry the
 * canonical names. Yields NULL when clean.
 */
export function requestFlagsSql(present: readonly TsField[] = TIMESTAMP_ORDER): string {
  // Timestamps a load does not fill are NULL in every row, so the rules can skip them: an
  // expression over only the filled columns flags exactly the same rows, and costs far less.
  const fields = TIMESTAMP_ORDER.filter((f) => present.includes(f));
  const negative = fields.length
    ? `(clock = 'request' AND least(${fields.map((f) => `coalesce(${f}, 0)`).join(', ')}) < 0)`
    : 'FALSE';
  // For each timestamp, compare with the nearest earlier non-null one.
  const checks: { skew: string[]; order: string[] } = { skew: [], order: [] };
  for (let j = 1; j < fields.length; j++) {
    for (let i = j - 1; i >= 0; i--) {
      const between = fields.slice(i + 1, j).map((f) => `${f} IS NULL`);
      const cond = [
        `${fields[i]} IS NOT NULL`,
        `${fields[j]} IS NOT NULL`,
        ...between,
        `${fields[j]} < ${fields[i]}`,
      ].join(' AND ');
      if (crossesClocks(fields[i], fields[j])) {
        checks.skew.push(`(vantage = 'client' AND ${cond})`);
        checks.order.push(`(vantage <> 'client' AND ${cond})`);
      } else {
        checks.order.push(`(${cond})`);
      }
    }
  }
  const any = (xs: string[]) => (xs.length ? xs.join(' OR ') : 'FALSE');
  const parts = [
    `CASE WHEN ${any(checks.skew)} THEN 'clock_skew' END`,
    `CASE WHEN ${negative} THEN 'negative_duration' END`,
    `CASE WHEN ${any(checks.order)} THEN 'out_of_order' END`,
  ];
  return `nullif(concat_ws(',', ${parts.join(', ')}), '')`;
}
