/**
 * @module Builds a request record (and its chunks) from the durations benchmark clients report:
 * a send time, TTFT, the gaps between chunks and the end-to-end latency. Shared by every
 * client-side source so they all place timestamps the same way.
 */

import { Time } from '../base/units.js';
import type { Clock, Emitted } from '../schema/records.js';
import type { Location, RecordSink } from './source.js';

export interface ClientTimeline {
  requestId: string;
  runId?: string;
  /** Send time in seconds on `clock` (epoch seconds, run-relative seconds, or 0 for `request`). */
  sendS: number;
  clock: Clock;
  ttftS?: number;
  /** Gaps between successive chunks after the first, in seconds. */
  chunkGapsS?: readonly number[];
  /** Tokens per chunk, when known (aligned with chunks: first chunk, then one per gap). */
  chunkTokens?: readonly number[];
  e2eS?: number;
  /** Other request fields (tokens, status, model, ...). */
  fields?: Partial<Emitted<'request'>>;
}

/** Emits the request and one chunk record per streamed chunk. */
export function emitClientRequest(sink: RecordSink, t: ClientTimeline, at?: Location): void {
  const send = Time.fromSeconds(t.sendS);
  const firstToken = t.ttftS === undefined ? undefined : send + Time.fromSeconds(t.ttftS);
  let lastChunk = firstToken;
  const chunkTimes: bigint[] = [];
  if (firstToken !== undefined) {
    chunkTimes.push(firstToken);
    let acc = 0;
    for (const gap of t.chunkGapsS ?? []) {
      acc += gap;
      chunkTimes.push(firstToken + Time.fromSeconds(acc));
    }
    lastChunk = chunkTimes[chunkTimes.length - 1];
  }
  const hasChunks = (t.chunkGapsS?.length ?? 0) > 0;
  let end = t.e2eS === undefined ? undefined : send + Time.fromSeconds(t.e2eS);
  // Tools compute latency as last chunk − send, and ttft + Σgaps rounds separately: an end up to
  // a microsecond before the last chunk is the same instant, not disorder.
  if (end !== undefined && lastChunk !== undefined && end < lastChunk && lastChunk - end < 1000n) {
    end = lastChunk;
  }
  sink.emit(
    'request',
    {
      request_id: t.requestId,
      run_id: t.runId,
      vantage: 'client',
      clock: t.clock,
      status: 'ok',
      t_client_send_ns: send,
      t_first_token_ns: firstToken,
      // Without chunk times, the end of the stream is the last token (as vLLM bench's TPOT assumes).
      t_last_token_ns: hasChunks ? lastChunk : end,
      t_end_ns: end,
      chunks: hasChunks ? chunkTimes.length : undefined,
      ...t.fields,
    },
    at,
  );
  if (hasChunks) {
    chunkTimes.forEach((ts, seq) =>
      sink.emit(
        'chunk',
        { request_id: t.requestId, seq, t_arrival_ns: ts, tokens: t.chunkTokens?.[seq] },
        at,
      ),
    );
  }
}

/** Percentile-style stat key suffixes (`p99`, `p99.9`, `median`) → canonical stat names. */
export function statName(raw: string): string {
  if (raw === 'median') return 'p50';
  return raw;
}
