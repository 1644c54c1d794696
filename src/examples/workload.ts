/**
 * @module A seeded synthetic serving run in plain numbers: the ground truth that the example
 * writers serialise into each tool's format, and that tests compare ingested figures against.
 */

import { createRng } from '../base/random.js';

export interface ExampleRequest {
  id: string;
  pool: string;
  replica: string;
  /** Epoch seconds the client sent the request. */
  sendS: number;
  /** Seconds from send to server arrival (network), and the queue wait. */
  networkS: number;
  queueS: number;
  prefillS: number;
  ttftS: number;
  /** Chunk gaps after the first chunk, seconds. */
  gapsS: number[];
  /** Tokens in each chunk (first chunk first). */
  chunkTokens: number[];
  e2eS: number;
  promptTokens: number;
  outputTokens: number;
  ok: boolean;
  error?: string;
}

export interface ExampleRun {
  seed: number;
  model: string;
  startS: number;
  durationS: number;
  requestRate: number;
  requests: ExampleRequest[];
}

export interface WorkloadOptions {
  seed?: number;
  requests?: number;
  /** Poisson arrival rate, req/s. */
  rate?: number;
  model?: string;
  /** Pools and the TPOT median of each (pool b is slower, as a misconfigured pool would be). */
  pools?: Record<string, { tpotS: number; replicas: number }>;
  /** Epoch seconds of the first arrival. */
  startS?: number;
  errorRate?: number;
  /** Tokens per streamed chunk (1 = per-token streaming). */
  tokensPerChunk?: number;
}

export function exampleRun(options: WorkloadOptions = {}): ExampleRun {
  const seed = options.seed ?? 42;
  const rng = createRng(seed);
  const n = options.requests ?? 200;
  const rate = options.rate ?? 4;
  const pools = options.pools ?? {
    a: { tpotS: 0.02, replicas: 2 },
    b: { tpotS: 0.035, replicas: 1 },
  };
  const poolNames = Object.keys(pools);
  const startS = options.startS ?? 1_763_640_000; // 2025-11-20T12:00:00Z
  const perChunk = options.tokensPerChunk ?? 1;
  const requests: ExampleRequest[] = [];
  let t = startS;
  for (let i = 0; i < n; i++) {
    t += rng.exponential(rate);
    const pool = poolNames[i % poolNames.length];
    const p = pools[pool];
    const promptTokens = Math.max(8, Math.round(rng.lognormal(900, 0.6)));
    const outputTokens = Math.max(2, Math.round(rng.lognormal(160, 0.7)));
    const ok = rng.next() >= (options.errorRate ?? 0.02);
    const networkS = 0.0005 + rng.next() * 0.001;
    const queueS = rng.next() < 0.2 ? rng.exponential(1 / 0.15) : rng.exponential(1 / 0.004);
    const prefillS = 0.00004 * promptTokens * (0.9 + 0.2 * rng.next());
    const ttftS = networkS + queueS + prefillS;
    const chunkTokens: number[] = [];
    for (let left = outputTokens; left > 0; left -= perChunk)
      chunkTokens.push(Math.min(perChunk, left));
    const gapsS = chunkTokens.slice(1).map((k) => k * p.tpotS * Math.exp(0.25 * rng.normal()));
    const decodeS = gapsS.reduce((a, b) => a + b, 0);
    requests.push({
      id: `req-${String(i).padStart(5, '0')}`,
      pool,
      replica: `${pool}-${i % p.replicas}`,
      sendS: Math.round(t * 1e6) / 1e6,
      networkS,
      queueS,
      prefillS,
      ttftS: ok ? ttftS : 0,
      gapsS: ok ? gapsS : [],
      chunkTokens: ok ? chunkTokens : [],
      e2eS: ok ? ttftS + decodeS + 0.0002 : 0,
      promptTokens,
      outputTokens: ok ? outputTokens : 0,
      ok,
      error: ok ? undefined : 'HTTP 503: Service Unavailable',
    });
  }
  const last = requests[requests.length - 1];
  return {
    seed,
    model: options.model ?? 'inferscope/tiny-llama',
    startS,
    durationS: last.sendS + last.e2eS - startS,
    requestRate: rate,
    requests,
  };
}
