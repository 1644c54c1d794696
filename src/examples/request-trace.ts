/**
 * @module Writes an ExampleRun as request traces: a generic trace with canonical column names
 * (as `inferscope sql` exports it) or with a tool's own names (needs `--map`), the Azure LLM
 * trace CSV, Mooncake JSONL and Vidur's processed CSV; plus a fast writer of multi-million-row
 * synthetic traces for the benchmarks and the streaming test.
 */

import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRng } from '../base/random.js';
import type { ExampleRequest, ExampleRun } from './workload.js';

/** Epoch seconds (µs-rounded in the workload) → ns. */
const nsOf = (s: number) => BigInt(Math.round(s * 1e6)) * 1000n;
/** A duration in seconds → ns. */
const durNs = (s: number) => BigInt(Math.round(s * 1e9));

/** The generic trace's rows as canonical fields (ns timestamps as decimal strings). */
export function canonicalTraceRows(run: ExampleRun): Record<string, string | number | null>[] {
  return run.requests.map((r) => ({
    request_id: r.id,
    model: run.model,
    pool: r.pool,
    replica: r.replica,
    t_client_send_ns: nsOf(r.sendS).toString(),
    t_first_token_ns: r.ok ? (nsOf(r.sendS) + durNs(r.ttftS)).toString() : null,
    t_end_ns: r.ok ? (nsOf(r.sendS) + durNs(r.e2eS)).toString() : null,
    prompt_tokens: r.promptTokens,
    output_tokens: r.ok ? r.outputTokens : null,
    status: r.ok ? 'ok' : 'error',
    error_message: r.error ?? null,
  }));
}

function csvCell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text with a header (columns from the first row). */
export function toCsv(
  rows: readonly Record<string, string | number | boolean | null>[],
  eol = '\n',
) {
  const cols = Object.keys(rows[0] ?? {});
  return (
    [cols.join(','), ...rows.map((r) => cols.map((c) => csvCell(r[c])).join(','))].join(eol) + eol
  );
}

/** Rows as JSON lines (null values left out, as most tools do). */
export function toJsonl(rows: readonly Record<string, unknown>[]): string {
  return rows
    .map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null))))
    .join('\n')
    .concat('\n');
}

/**
 * A gateway-log-like trace with its own column names: `id`, `arrival_s` (epoch s),
 * `ttft_ms`, `latency_ms`, `in_tokens`, `out_tokens`, `http_status`, `route`. Ingest it with
 * `--map id=request_id --map arrival_s=t_client_send_s --map ttft_ms=ttft_ms
 * --map latency_ms=e2e_ms --map in_tokens=prompt_tokens --map out_tokens=output_tokens
 * --map http_status=status` (`route` is kept in attributes).
 */
export function gatewayTraceRows(run: ExampleRun): Record<string, string | number | null>[] {
  return run.requests.map((r: ExampleRequest) => ({
    id: r.id,
    arrival_s: r.sendS.toFixed(6),
    ttft_ms: r.ok ? +(r.ttftS * 1000).toFixed(6) : null,
    latency_ms: r.ok ? +(r.e2eS * 1000).toFixed(6) : null,
    in_tokens: r.promptTokens,
    out_tokens: r.ok ? r.outputTokens : null,
    http_status: r.ok ? 200 : 503,
    route: `/v1/${r.pool}`,
  }));
}

/** The `--map` entries for `gatewayTraceRows` (column → field). */
export const GATEWAY_MAP: Record<string, string> = {
  id: 'request_id',
  arrival_s: 't_client_send_s',
  ttft_ms: 'ttft_ms',
  latency_ms: 'e2e_ms',
  in_tokens: 'prompt_tokens',
  out_tokens: 'output_tokens',
  http_status: 'status',
};

/** Azure's TIMESTAMP text: `YYYY-MM-DD HH:MM:SS.fffffff` (UTC, 7 fractional digits). */
export function azureTimestamp(ns: bigint): string {
  const s = ns / 1_000_000_000n;
  const frac = (ns % 1_000_000_000n) / 100n;
  const d = new Date(Number(s) * 1000).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 19)}.${frac.toString().padStart(7, '0')}`;
}

/** The Azure LLM inference trace CSV (CRLF line ends, like the published files). */
export function azureTraceCsv(run: ExampleRun): string {
  const rows = run.requests.map((r) => ({
    TIMESTAMP: azureTimestamp(nsOf(r.sendS)),
    ContextTokens: r.promptTokens,
    GeneratedTokens: r.outputTokens,
  }));
  return toCsv(rows, '\r\n').replace(/\r\n$/, '');
}

/** Mooncake JSONL: ms since the first arrival, lengths and 512-token prefix-block ids. */
export function mooncakeTraceJsonl(run: ExampleRun): string {
  const rng = createRng(run.seed + 1);
  const t0 = run.requests[0].sendS;
  let nextBlock = 0;
  // A few shared system prompts: requests of a pool reuse its first blocks.
  const shared = new Map<string, number[]>();
  const rows = run.requests.map((r) => {
    const blocks = Math.ceil(r.promptTokens / 512);
    const prefix = shared.get(r.pool) ?? [];
    if (!shared.has(r.pool)) {
      for (let i = 0; i < 2; i++) prefix.push(nextBlock++);
      shared.set(r.pool, prefix);
    }
    const reuse = rng.next() < 0.7 ? Math.min(prefix.length, blocks) : 0;
    const ids = prefix.slice(0, reuse);
    while (ids.length < blocks) ids.push(nextBlock++);
    return {
      timestamp: Math.round((r.sendS - t0) * 1000),
      input_length: r.promptTokens,
      output_length: r.outputTokens,
      hash_ids: ids,
    };
  });
  return (
    rows.map((r) => JSON.stringify(r).replace(/,"/g, ', "').replace(/":/g, '": ')).join('\n') + '\n'
  );
}

/** Vidur's processed trace CSV: arrival in seconds from the first request. */
export function vidurTraceCsv(run: ExampleRun): string {
  const t0 = run.requests[0].sendS;
  return toCsv(
    run.requests.map((r) => ({
      arrived_at: +(r.sendS - t0).toFixed(6),
      num_prefill_tokens: r.promptTokens,
      num_decode_tokens: r.outputTokens,
    })),
  );
}

export interface SyntheticTraceOptions {
  rows: number;
  kind: 'csv' | 'jsonl';
  seed?: number;
  /** Epoch ns of the first arrival. */
  startNs?: bigint;
}

export interface SyntheticTraceTotals {
  bytes: number;
  promptTokens: number;
  outputTokens: number;
  errors: number;
}

/**
 * Streams a large synthetic generic trace (canonical column names: request_id, model,
 * t_client_send_ns, t_first_token_ns, t_end_ns, prompt_tokens, output_tokens, status) to a file.
 * Returns the byte count and the totals written.
 */
export async function writeSyntheticTrace(
  path: string,
  o: SyntheticTraceOptions,
): Promise<SyntheticTraceTotals> {
  const rng = createRng(o.seed ?? 1);
  const out = createWriteStream(path);
  const models = ['llama-3.1-8b', 'llama-3.1-70b', 'qwen2.5-32b'];
  // Integer arithmetic on ns kept in doubles below 2^53 relative to the start.
  const start = o.startNs ?? 1_763_640_000_000_000_000n;
  let rel = 0;
  const totals: SyntheticTraceTotals = { bytes: 0, promptTokens: 0, outputTokens: 0, errors: 0 };
  let buf =
    o.kind === 'csv'
      ? 'request_id,model,t_client_send_ns,t_first_token_ns,t_end_ns,prompt_tokens,output_tokens,status\n'
      : '';
  for (let i = 0; i < o.rows; i++) {
    rel += Math.floor(rng.next() * 2e6);
    const ttft = 20_000_000 + Math.floor(rng.next() * 400_000_000);
    const e2e = ttft + Math.floor(rng.next() * 8e9);
    const send = (start + BigInt(rel)).toString();
    const first = (start + BigInt(rel + ttft)).toString();
    const end = (start + BigInt(rel + e2e)).toString();
    const p = 16 + Math.floor(rng.next() * 8000);
    const n = 1 + Math.floor(rng.next() * 1000);
    const status = rng.next() < 0.01 ? 'error' : 'ok';
    totals.promptTokens += p;
    totals.outputTokens += n;
    if (status === 'error') totals.errors++;
    const model = models[i % 3];
    buf +=
      o.kind === 'csv'
        ? `r${i},${model},${send},${first},${end},${p},${n},${status}\n`
        : `{"request_id":"r${i}","model":"${model}","t_client_send_ns":${send},"t_first_token_ns":${first},"t_end_ns":${end},"prompt_tokens":${p},"output_tokens":${n},"status":"${status}"}\n`;
    if (buf.length >= 1 << 20) {
      totals.bytes += Buffer.byteLength(buf);
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  totals.bytes += Buffer.byteLength(buf);
  out.end(buf);
  await once(out, 'finish');
  return totals;
}
