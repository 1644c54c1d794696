/**
 * @module OTLP/JSON files: one ExportTraceServiceRequest / ExportMetricsServiceRequest per file,
 * or JSON lines of them (the collector's file exporter). Spans of LLM requests become request
 * records, metric points metric samples. Logs carry no telemetry we read: a file holding only
 * logs is refused as UNKNOWN_FORMAT (a directory ingest skips it with a note).
 */

import { InferscopeError } from '../../base/errors.js';
import { readJsonDocument, readJsonLines, readProbe, validateInput } from '../read.js';
import type { Location, RecordSink, SourceFormat } from '../source.js';
import { emitMetric, metricWarnings, newMetricTally, type MetricTally } from './metrics.js';
import { attributes, camelKeys, ExportRequest, type AttrValue } from './otlp-json.js';
import { emitSpan, newSpanTally, spanWarnings, type SpanTally } from './traces.js';

const FORMAT = 'otlp';
const TOP_KEY =
  /^\{\s*"(resourceSpans|resourceMetrics|resourceLogs|resource_spans|resource_metrics|resource_logs)"\s*:/;

export const otlp: SourceFormat = {
  name: FORMAT,
  title: 'OTLP/JSON traces and metrics (OpenTelemetry export requests, collector file exporter)',
  recognizes:
    'a JSON object (or JSON lines of objects) whose first key is `resourceSpans`, `resourceMetrics` or `resourceLogs`',
  extensions: ['.json', '.jsonl', '.ndjson'],
  sniff(p) {
    if (!['.json', '.jsonl', '.ndjson'].includes(p.ext)) return 0;
    const h = p.head.trimStart();
    if (TOP_KEY.test(h)) return 0.95;
    if (h.startsWith('{') && /"(scopeSpans|scopeMetrics|scope_spans|scope_metrics)"\s*:/.test(h))
      return 0.6;
    return 0;
  },
  async read(path, sink, options) {
    const reader = new OtlpReader(path, sink);
    if (await isJsonLines(path)) {
      for await (const { value, line } of readJsonLines(path, FORMAT, options.onProgress))
        reader.request(value, { line });
    } else {
      reader.request(await readJsonDocument(path, FORMAT), {});
    }
    reader.finish();
  },
};

/** JSON lines when the first line is a whole JSON value (or the probe holds no line break). */
async function isJsonLines(path: string): Promise<boolean> {
  const probe = await readProbe(path);
  const text = probe.head.replace(/^\s*\n/, '');
  const nl = text.indexOf('\n');
  if (nl < 0) {
    const bytes = Buffer.byteLength(probe.head);
    return bytes >= 64 * 1024 - 3 || (!probe.gzip && bytes < probe.size);
  }
  try {
    JSON.parse(text.slice(0, nl));
    return true;
  } catch {
    return false;
  }
}

function scalarAttributes(list: { key: string; value?: unknown }[] | undefined) {
  const out: Record<string, AttrValue> = {};
  for (const [k, v] of Object.entries(attributes(list)))
    if (v === null || typeof v !== 'object') out[k] = v;
  return out;
}

class OtlpReader {
  private readonly spans: SpanTally = newSpanTally();
  private readonly metrics: MetricTally = newMetricTally();
  private traceRequests = 0;
  private metricRequests = 0;
  private logRequests = 0;
  private logRecords = 0;

  constructor(
    private readonly path: string,
    private readonly sink: RecordSink,
  ) {}

  request(raw: unknown, at: Location): void {
    const value =
      raw && typeof raw === 'object' && Object.keys(raw).some((k) => k.includes('_'))
        ? camelKeys(raw)
        : raw;
    const req = validateInput(ExportRequest, value, { file: this.path, format: FORMAT, at });
    const known = req.resourceSpans ?? req.resourceMetrics ?? req.resourceLogs;
    if (!known) {
      throw new InferscopeError(
        'PARSE_ERROR',
        'not an OTLP export request: expected resourceSpans, resourceMetrics or resourceLogs',
        {
          file: this.path,
          format: FORMAT,
          line: at.line,
          hint: 'OTLP/JSON files hold ExportTraceServiceRequest or ExportMetricsServiceRequest objects; force another reader with --format NAME',
        },
      );
    }
    (req.resourceSpans ?? []).forEach((rs, i) => {
      this.traceRequests++;
      const resource = scalarAttributes(rs.resource?.attributes);
      (rs.scopeSpans ?? []).forEach((ss, j) =>
        (ss.spans ?? []).forEach((span, k) =>
          emitSpan(span, resource, this.sink, this.spans, {
            ...at,
            pointer: `resourceSpans[${i}].scopeSpans[${j}].spans[${k}]`,
          }),
        ),
      );
    });
    (req.resourceMetrics ?? []).forEach((rm, i) => {
      this.metricRequests++;
      const resource = scalarAttributes(rm.resource?.attributes);
      (rm.scopeMetrics ?? []).forEach((sm, j) =>
        (sm.metrics ?? []).forEach((metric) =>
          emitMetric(metric, resource, this.sink, this.metrics, {
            ...at,
            pointer: `resourceMetrics[${i}].scopeMetrics[${j}].`,
          }),
        ),
      );
    });
    if (req.resourceLogs) {
      this.logRequests++;
      for (const rl of req.resourceLogs)
        for (const sl of rl.scopeLogs ?? []) this.logRecords += sl.logRecords?.length ?? 0;
    }
  }

  finish(): void {
    if (this.logRequests && !this.traceRequests && !this.metricRequests) {
      throw new InferscopeError(
        'UNKNOWN_FORMAT',
        `OTLP logs (${this.logRecords} log records) carry no request or metric telemetry inferscope reads`,
        {
          file: this.path,
          format: FORMAT,
          hint: 'export traces (spans of LLM requests) or metrics instead; in a directory ingest this file is skipped',
        },
      );
    }
    if (this.logRecords)
      this.sink.warn({
        code: 'LOGS_SKIPPED',
        message: `${this.logRecords} OTLP log records were not stored (logs are not read)`,
      });
    spanWarnings(this.spans, this.sink);
    metricWarnings(this.metrics, this.sink);
  }
}
