/**
 * @module One line of the Prometheus text exposition format (0.0.4, plus the OpenMetrics
 * additions met in `/metrics` output: `# UNIT`, `# EOF`, exemplars, quoted UTF-8 names).
 * Pure: returns a parsed line or throws a LineError saying what was expected at which column.
 */

export const METRIC_TYPES = [
  'counter',
  'gauge',
  'histogram',
  'summary',
  'untyped',
  'unknown',
  'info',
  'stateset',
  'gaugehistogram',
] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

export interface SampleLine {
  kind: 'sample';
  name: string;
  /** Label pairs in file order (escapes decoded). */
  labels: [string, string][];
  /** NaN, ±Infinity allowed. */
  value: number;
  /** The timestamp token as written (ms for Prometheus text, seconds for OpenMetrics). */
  timestamp?: string;
  /** An OpenMetrics exemplar (`# {...} v [ts]`) followed the value. */
  exemplar: boolean;
}

export type ParsedLine =
  | { kind: 'blank' }
  | { kind: 'comment' }
  | { kind: 'eof' }
  | { kind: 'help'; name: string; text: string }
  | { kind: 'type'; name: string; type: MetricType }
  | { kind: 'unit'; name: string; unit: string }
  | SampleLine;

/** A malformed line: what was expected, and the 1-based column. */
export class LineError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

const NAME_START = /[a-zA-Z_:]/;
const NAME_CHAR = /[a-zA-Z0-9_:]/;
const LABEL_START = /[a-zA-Z_]/;
const LABEL_CHAR = /[a-zA-Z0-9_]/;
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/** Parses a Prometheus float (`1.5e3`, `NaN`, `+Inf`, `-Inf`); undefined when it is not one. */
export function parsePromFloat(token: string): number | undefined {
  if (FLOAT.test(token)) return Number(token);
  const m = SPECIAL.exec(token);
  if (!m) return undefined;
  if (m[2].toLowerCase() === 'nan') return Number.NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  fail(expected: string): never {
    const got = this.done ? 'the end of the line' : `"${this.text.slice(this.pos, this.pos + 12)}"`;
    throw new LineError(`expected ${expected}, got ${got}`, this.pos + 1);
  }
  skipBlanks(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }
  /** Consumes one or more blanks; fails with `expected` when there are none. */
  requireBlanks(expected: string): void {
    if (this.peek() !== ' ' && this.peek() !== '\t') this.fail(expected);
    this.skipBlanks();
  }
  take(re: RegExp, start: RegExp): string | undefined {
    if (!start.test(this.peek())) return undefined;
    const from = this.pos;
    while (!this.done && re.test(this.peek())) this.pos++;
    return this.text.slice(from, this.pos);
  }
  /** A double-quoted string with `\\`, `\"` and `\n` escapes; the cursor is on the quote. */
  quoted(what: string): string {
    if (this.peek() !== '"') this.fail(`${what} in double quotes`);
    this.pos++;
    let out = '';
    for (;;) {
      if (this.done) this.fail(`a closing '"' for the ${what}`);
      const c = this.text[this.pos++];
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos++];
      if (e === '\\') out += '\\';
      else if (e === '"') out += '"';
      else if (e === 'n') out += '\n';
      else {
        this.pos -= 2;
        throw new LineError(
          `invalid escape "\\${e ?? ''}" in the ${what}: only \\\\, \\" and \\n are allowed`,
          this.pos + 1,
        );
      }
    }
  }
  /** The next run of non-blank characters. */
  token(): string {
    const from = this.pos;
    while (!this.done && this.peek() !== ' ' && this.peek() !== '\t') this.pos++;
    return this.text.slice(from, this.pos);
  }
}

/** A metric name: plain, or quoted (UTF-8 names). */
function metricName(c: Cursor): string {
  if (c.peek() === '"') return c.quoted('metric name');
  return c.take(NAME_CHAR, NAME_START) ?? c.fail('a metric name');
}

/**
 * The `{...}` label set (the cursor is just past `{`). A quoted string not followed by `=` is
 * the metric name (`{"my.metric", a="b"}`); it is returned as `name`.
 */
function labelSet(c: Cursor): { labels: [string, string][]; name?: string } {
  const labels: [string, string][] = [];
  const seen = new Set<string>();
  let name: string | undefined;
  for (let first = true; ; first = false) {
    c.skipBlanks();
    if (c.peek() === '}') {
      c.pos++;
      return { labels, name };
    }
    let key: string;
    if (c.peek() === '"') {
      key = c.quoted('label name');
      c.skipBlanks();
      if (first && c.peek() !== '=') {
        name = key;
        if (c.peek() === ',') c.pos++;
        else if (c.peek() !== '}') c.fail(`',' or '}' after the metric name`);
        continue;
      }
    } else {
      key = c.take(LABEL_CHAR, LABEL_START) ?? c.fail(`a label name or '}'`);
      c.skipBlanks();
    }
    if (c.peek() !== '=') c.fail(`'=' after label name "${key}"`);
    c.pos++;
    c.skipBlanks();
    const value = c.quoted(`value of label "${key}"`);
    if (seen.has(key)) throw new LineError(`label "${key}" appears twice`, c.pos);
    seen.add(key);
    labels.push([key, value]);
    c.skipBlanks();
    if (c.peek() === ',') c.pos++;
    else if (c.peek() !== '}') c.fail(`',' or '}' after the value of label "${key}"`);
  }
}

function metadata(c: Cursor, keyword: string): ParsedLine {
  c.requireBlanks(`a metric name after "# ${keyword}"`);
  const name = metricName(c);
  if (keyword === 'HELP') {
    if (c.done) return { kind: 'help', name, text: '' };
    c.requireBlanks('a blank before the help text');
    const raw = c.text.slice(c.pos);
    return { kind: 'help', name, text: raw.replace(/\\(\\|n)/g, (_, e) => (e === 'n' ? '\n' : e)) };
  }
  c.requireBlanks(`a ${keyword === 'TYPE' ? 'metric type' : 'unit'} after the metric name`);
  const word = c.token();
  c.skipBlanks();
  if (!c.done) c.fail('the end of the line');
  if (keyword === 'UNIT') return { kind: 'unit', name, unit: word };
  const type = (METRIC_TYPES as readonly string[]).includes(word)
    ? (word as MetricType)
    : undefined;
  if (!type) {
    throw new LineError(
      `expected a metric type (${METRIC_TYPES.join(', ')}), got "${word}"`,
      c.pos - word.length + 1,
    );
  }
  return { kind: 'type', name, type };
}

/** Parses one line of a scrape. */
export function parseLine(text: string): ParsedLine {
  const c = new Cursor(text);
  c.skipBlanks();
  if (c.done) return { kind: 'blank' };
  if (c.peek() === '#') {
    const m = /^#[ \t]+(HELP|TYPE|UNIT)(?=[ \t]|$)/.exec(text.slice(c.pos));
    if (m) {
      c.pos += m[0].length;
      return metadata(c, m[1]);
    }
    if (/^#[ \t]*EOF[ \t]*$/.test(text.slice(c.pos))) return { kind: 'eof' };
    return { kind: 'comment' };
  }
  let name: string | undefined;
  let labels: [string, string][] = [];
  if (c.peek() !== '{') name = metricName(c);
  const afterName = c.pos;
  c.skipBlanks();
  const blank = c.pos > afterName;
  if (c.peek() === '{') {
    c.pos++;
    const set = labelSet(c);
    labels = set.labels;
    if (set.name !== undefined) {
      if (name !== undefined) throw new LineError('the metric name is given twice', c.pos);
      name = set.name;
    }
  }
  if (name === undefined) return c.fail('a metric name');
  if (labels.length > 0 || text[c.pos - 1] === '}' || !blank)
    c.requireBlanks('a blank and then the sample value');
  const raw = c.token();
  const value = parsePromFloat(raw);
  if (value === undefined) {
    throw new LineError(
      `expected a float sample value (e.g. 1.5, 2e-3, NaN, +Inf, -Inf), got "${raw}"`,
      c.pos - raw.length + 1,
    );
  }
  c.skipBlanks();
  let timestamp: string | undefined;
  if (!c.done && c.peek() !== '#') {
    timestamp = c.token();
    if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(timestamp)) {
      throw new LineError(
        `expected a timestamp after the value (milliseconds since the epoch), got "${timestamp}"`,
        c.pos - timestamp.length + 1,
      );
    }
    c.skipBlanks();
  }
  let exemplar = false;
  if (!c.done) {
    if (c.peek() !== '#') c.fail('the end of the line after the timestamp');
    exemplar = true;
  }
  return { kind: 'sample', name, labels, value, timestamp, exemplar };
}

/**
 * A decimal timestamp token in `unitNs` units (1e6 for ms, 1e9 for seconds) → integer ns,
 * exactly for plain decimals.
 */
export function timestampToNs(token: string, unitNs: bigint): bigint {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(token);
  if (!m) return BigInt(Math.round(Number(token) * Number(unitNs)));
  const digits = unitNs.toString().length - 1;
  const frac = (m[3] ?? '').padEnd(digits, '0');
  const whole = BigInt(m[2] || '0') * unitNs + BigInt(frac.slice(0, digits) || '0');
  return m[1] === '-' ? -whole : whole;
}
