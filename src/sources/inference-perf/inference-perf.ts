/**
 * @module kubernetes-sigs/inference-perf reports. One run writes, per stage and for all stages
 * together, a client-side lifecycle report and a server-side Prometheus report, and optionally
 * one per-request file. The file name says which (`stage_<i>_lifecycle_metrics.json`,
 * `summary_prometheus_metrics.json`, `per_request_lifecycle_metrics.json`); the content is
 * checked too. Runs are `stage_<i>` or `all_stages`, so files of one run relate by run_id.
 */

import { basename } from 'node:path';
import { InferscopeError } from '../../base/errors.js';
import { readJsonDocument } from '../read.js';
import type { Probe, SourceFormat } from '../source.js';
import { emitLifecycle } from './lifecycle.js';
import { emitPerRequest, PER_REQUEST_RUN } from './per-request.js';
import { emitPrometheus } from './prometheus.js';
import { INFERENCE_PERF } from './stats.js';

type Kind = 'lifecycle' | 'prometheus' | 'per_request';

const REPORT_NAME = /(?:^|[^a-z])(stage_(\d+)|summary)_(lifecycle|prometheus)_metrics\.json$/i;
const PER_REQUEST_NAME = /(?:^|[^a-z])per_request_lifecycle_metrics\.json$/i;

/** What the file name says, if it is one of inference-perf's report names. */
function fromName(path: string): { kind: Kind; runId: string } | undefined {
  const base = basename(path).replace(/\.gz$/i, '');
  if (PER_REQUEST_NAME.test(base)) return { kind: 'per_request', runId: PER_REQUEST_RUN };
  const m = REPORT_NAME.exec(base);
  if (!m) return undefined;
  return {
    kind: m[3].toLowerCase() as Kind,
    runId: m[2] !== undefined ? `stage_${m[2]}` : PER_REQUEST_RUN,
  };
}

/** What the content looks like, from the first bytes. */
function fromContent(head: string): Kind | undefined {
  const h = head.trimStart();
  if (h.startsWith('[')) {
    const first = h.slice(0, 8192);
    return /"start_time"\s*:/.test(first) &&
      /"end_time"\s*:/.test(first) &&
      /"info"\s*:/.test(first)
      ? 'per_request'
      : undefined;
  }
  if (!h.startsWith('{') || !/"load_summary"\s*:/.test(h) || !/"successes"\s*:/.test(h))
    return undefined;
  if (/"latency"\s*:\s*\{/.test(h) || /"schedule_delay"\s*:/.test(h)) return 'lifecycle';
  if (/"time_to_first_token"\s*:/.test(h) || /"kv_cache_usage_percentage"\s*:/.test(h))
    return 'prometheus';
  return undefined;
}

function kindOf(doc: unknown): Kind | undefined {
  if (Array.isArray(doc)) return 'per_request';
  if (typeof doc !== 'object' || doc === null) return undefined;
  const s = (doc as Record<string, unknown>).successes;
  if (typeof s !== 'object' || s === null) return undefined;
  return 'latency' in s || 'throughput' in s ? 'lifecycle' : 'prometheus';
}

export const inferencePerf: SourceFormat = {
  name: INFERENCE_PERF,
  title: 'kubernetes-sigs/inference-perf lifecycle, Prometheus and per-request reports',
  recognizes:
    'files named `stage_<i>_lifecycle_metrics.json`, `summary_lifecycle_metrics.json`, `*_prometheus_metrics.json` or `per_request_lifecycle_metrics.json` whose content has `load_summary` and `successes` (or, per request, `start_time`, `end_time` and `info`)',
  extensions: ['.json'],
  sniff(p: Probe) {
    if (p.ext !== '.json') return 0;
    const content = fromContent(p.head);
    if (!content) return 0;
    const named = fromName(p.path);
    if (named && named.kind === content) return 0.95;
    return content === 'per_request' ? 0.4 : 0.5;
  },
  async read(path, sink, options) {
    const doc = await readJsonDocument(path, INFERENCE_PERF);
    const named = fromName(path);
    const kind = kindOf(doc);
    if (!kind) {
      throw new InferscopeError('PARSE_ERROR', 'not an inference-perf report', {
        file: path,
        format: INFERENCE_PERF,
        field: 'successes',
        hint: 'expected a lifecycle or Prometheus report object, or a per-request list',
      });
    }
    if (named && named.kind !== kind) {
      sink.warn({
        code: 'NAME_MISMATCH',
        message: `the file name says ${named.kind} but the content is a ${kind} report; read as ${kind}`,
      });
    }
    const runId = named?.runId ?? PER_REQUEST_RUN;
    if (kind === 'per_request') {
      emitPerRequest(doc as unknown[], sink, path, options.labels?.model);
      return;
    }
    const ctx = {
      file: path,
      runId,
      name: kind === 'prometheus' ? `${runId} prometheus` : runId,
    };
    if (kind === 'lifecycle') emitLifecycle(doc, sink, ctx);
    else emitPrometheus(doc, sink, ctx);
  },
};
