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

type TsField = (typeof TIMESTAMP_ORDER)[number];

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
export function requestFlagsSql(): string {
  const present = TIMESTAMP_ORDER;
  const negative = `(clock = 'request' AND least(${present.map((f) => `coalesce(${f}, 0)`).join(', ')}) < 0)`;
  // For each timestamp, compare with the nearest earlier non-null one.
  const checks: { skew: string[]; order: string[] } = { skew: [], order: [] };
  for (let j = 1; j < present.length; j++) {
    for (let i = j - 1; i >= 0; i--) {
      const between = present.slice(i + 1, j).map((f) => `${f} IS NULL`);
      const cond = [
        `${present[i]} IS NOT NULL`,
        `${present[j]} IS NOT NULL`,
        ...between,
        `${present[j]} < ${present[i]}`,
      ].join(' AND ');
      if (crossesClocks(present[i], present[j])) {
        checks.skew.push(`(vantage = 'client' AND ${cond})`);
        checks.order.push(`(vantage <> 'client' AND ${cond})`);
      } else {
        checks.order.push(`(${cond})`);
      }
    }
  }
  const parts = [
    `CASE WHEN ${checks.skew.join(' OR ')} THEN 'clock_skew' END`,
    `CASE WHEN ${negative} THEN 'negative_duration' END`,
    `CASE WHEN ${checks.order.join(' OR ')} THEN 'out_of_order' END`,
  ];
  return `nullif(concat_ws(',', ${parts.join(', ')}), '')`;
}
