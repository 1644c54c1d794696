/**
 * @module The OTLP/JSON encoding (opentelemetry-proto's JSON mapping): zod schemas of the export
 * requests we read, and helpers for its quirks (64-bit integers as strings or numbers, hex ids,
 * integer enums, typed attribute values). Unknown fields are ignored, as the spec requires.
 */

import { z } from 'zod';

/** An unsigned 64-bit integer: a decimal string (as written) or a JSON number. */
export const u64 = z.union([
  z.string().regex(/^\d+$/, 'expected an unsigned integer (decimal string or number)'),
  // JSON numbers beyond 2^53 (epoch ns) have lost precision already; accept them as written.
  z.number().nonnegative().refine(Number.isInteger, 'expected an integer'),
]);
const i64 = z.union([
  z.string().regex(/^-?\d+$/, 'expected an integer'),
  z.number().refine(Number.isInteger, 'expected an integer'),
]);
/** A double; NaN and infinities are written as strings in proto3 JSON. */
export const double = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])]);
const enumValue = z.union([z.number().int(), z.string()]);

export const Attributes = z.array(
  z.looseObject({ key: z.string(), value: z.unknown().optional() }),
);
const Resource = z.looseObject({ attributes: Attributes.optional() });

export const Span = z.looseObject({
  traceId: z.string().optional(),
  spanId: z.string().optional(),
  parentSpanId: z.string().optional(),
  name: z.string().optional(),
  kind: enumValue.optional(),
  startTimeUnixNano: u64,
  endTimeUnixNano: u64,
  attributes: Attributes.optional(),
  events: z.array(z.unknown()).optional(),
  status: z.looseObject({ code: enumValue.optional(), message: z.string().optional() }).optional(),
});
export type Span = z.infer<typeof Span>;

const pointBase = {
  attributes: Attributes.optional(),
  startTimeUnixNano: u64.optional(),
  timeUnixNano: u64,
  exemplars: z.array(z.unknown()).optional(),
  flags: z.number().int().optional(),
};
export const NumberPoint = z.looseObject({
  ...pointBase,
  asDouble: double.optional(),
  asInt: i64.optional(),
});
export const HistogramPoint = z.looseObject({
  ...pointBase,
  count: u64.optional(),
  sum: double.optional(),
  bucketCounts: z.array(u64).optional(),
  explicitBounds: z.array(double).optional(),
});
export const ExpHistogramPoint = z.looseObject({
  ...pointBase,
  count: u64.optional(),
  sum: double.optional(),
});
export const SummaryPoint = z.looseObject({
  ...pointBase,
  count: u64.optional(),
  sum: double.optional(),
  quantileValues: z
    .array(z.looseObject({ quantile: double.optional(), value: double.optional() }))
    .optional(),
});
export type NumberPoint = z.infer<typeof NumberPoint>;
export type HistogramPoint = z.infer<typeof HistogramPoint>;
export type SummaryPoint = z.infer<typeof SummaryPoint>;

const temporal = { aggregationTemporality: enumValue.optional() };
export const Metric = z.looseObject({
  name: z.string(),
  unit: z.string().optional(),
  gauge: z.looseObject({ dataPoints: z.array(NumberPoint).optional() }).optional(),
  sum: z
    .looseObject({
      ...temporal,
      isMonotonic: z.boolean().optional(),
      dataPoints: z.array(NumberPoint).optional(),
    })
    .optional(),
  histogram: z
    .looseObject({ ...temporal, dataPoints: z.array(HistogramPoint).optional() })
    .optional(),
  exponentialHistogram: z
    .looseObject({ ...temporal, dataPoints: z.array(ExpHistogramPoint).optional() })
    .optional(),
  summary: z.looseObject({ dataPoints: z.array(SummaryPoint).optional() }).optional(),
});
export type Metric = z.infer<typeof Metric>;

/** One export request (a file, or a line of a collector file-exporter JSONL). */
export const ExportRequest = z.looseObject({
  resourceSpans: z
    .array(
      z.looseObject({
        resource: Resource.optional(),
        scopeSpans: z.array(z.looseObject({ spans: z.array(Span).optional() })).optional(),
      }),
    )
    .optional(),
  resourceMetrics: z
    .array(
      z.looseObject({
        resource: Resource.optional(),
        scopeMetrics: z.array(z.looseObject({ metrics: z.array(Metric).optional() })).optional(),
      }),
    )
    .optional(),
  resourceLogs: z
    .array(
      z.looseObject({
        scopeLogs: z
          .array(z.looseObject({ logRecords: z.array(z.unknown()).optional() }))
          .optional(),
      }),
    )
    .optional(),
});
export type ExportRequest = z.infer<typeof ExportRequest>;

/** snake_case keys (some proto3 JSON writers) → lowerCamelCase, recursively. */
export function camelKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v))
    out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = camelKeys(x);
  return out;
}

export type AttrValue = string | number | boolean | null | AttrValue[] | { [k: string]: AttrValue };

/** An AnyValue as a plain JSON value (ints beyond 2^53 stay decimal strings). */
export function anyValue(v: unknown): AttrValue {
  if (v === null || typeof v !== 'object') return (v as AttrValue) ?? null;
  const o = v as Record<string, unknown>;
  if ('stringValue' in o) return String(o.stringValue);
  if ('boolValue' in o) return Boolean(o.boolValue);
  if ('intValue' in o) {
    const n = Number(o.intValue);
    return Number.isSafeInteger(n) ? n : String(o.intValue);
  }
  if ('doubleValue' in o) return toDouble(o.doubleValue as number | string) ?? null;
  if ('arrayValue' in o) {
    const values = (o.arrayValue as { values?: unknown[] } | undefined)?.values ?? [];
    return values.map(anyValue);
  }
  if ('kvlistValue' in o) {
    const values = (o.kvlistValue as { values?: { key: string; value?: unknown }[] } | undefined)
      ?.values;
    return attributes(values);
  }
  if ('bytesValue' in o) return String(o.bytesValue);
  return null;
}

/** An attribute list as an object. */
export function attributes(
  list: readonly { key: string; value?: unknown }[] | undefined,
): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of list ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

/** A proto3 JSON double (number or "NaN"/"Infinity"/"-Infinity"). NaN → undefined. */
export function toDouble(v: number | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isNaN(n) ? undefined : n;
}

export function toBigInt(v: string | number): bigint {
  return typeof v === 'string' ? BigInt(v) : BigInt(Math.round(v));
}

/** Trace and span ids are hex; base64 (plain protobuf JSON) is converted. Undefined when empty. */
export function hexId(id: string | undefined, bytes: number): { id?: string; base64: boolean } {
  if (!id) return { base64: false };
  if (/^[0-9a-fA-F]+$/.test(id) && id.length === bytes * 2)
    return { id: id.toLowerCase(), base64: false };
  const buf = Buffer.from(id, 'base64');
  if (buf.length === bytes && buf.toString('base64').replace(/=+$/, '') === id.replace(/=+$/, ''))
    return { id: buf.toString('hex'), base64: true };
  return { id, base64: false };
}

/** Span kind / status code / temporality: integers, or their proto enum names. */
export function enumCode(v: number | string | undefined, names: readonly string[]): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const i = names.findIndex((n) => v.toUpperCase().endsWith(n));
  return i < 0 ? 0 : i;
}

export const SPAN_KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
export const STATUS_CODES = ['UNSET', 'OK', 'ERROR'];
export const TEMPORALITIES = ['UNSPECIFIED', 'DELTA', 'CUMULATIVE'];
