/** @module Errors a user can cause: a stable code, context (file, line, field) and what to do. */

/** Stable error codes. Documented in docs/cli.md (exit codes) and never renamed. */
export type ErrorCode =
  | 'USAGE' // bad flags or arguments
  | 'FILE_NOT_FOUND'
  | 'UNKNOWN_FORMAT' // no source recognised the file
  | 'PARSE_ERROR' // the file is not valid for its format (malformed, truncated)
  | 'INVALID_RECORD' // a record failed schema validation (wrong type, negative count)
  | 'MAPPING_ERROR' // --map names a column or field that does not exist
  | 'STORE_ERROR' // the database could not be opened or migrated
  | 'QUERY_ERROR' // ad-hoc SQL failed
  | 'NO_DATA'; // the store holds nothing that the command can report on

export interface ErrorContext {
  file?: string;
  line?: number;
  /** Byte offset into the file, when lines are not meaningful. */
  offset?: number;
  /** Dotted path of the offending field, e.g. `requests[3].ttft`. */
  field?: string;
  format?: string;
  sql?: string;
}

export interface InferscopeErrorOptions extends ErrorContext {
  /** What the user should do about it; printed after the message. */
  hint?: string;
  cause?: unknown;
}

/** An expected failure, caused by input or usage. The CLI prints it and exits non-zero. */
export class InferscopeError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: InferscopeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const { hint, cause: _cause, ...context } = options;
    this.name = 'InferscopeError';
    this.code = code;
    this.context = context;
    this.hint = hint;
  }

  /** One line of location: `file:line (field)`. Empty when nothing is known. */
  where(): string {
    const c = this.context;
    let where = c.file ?? '';
    if (c.line !== undefined) where += `:${c.line}`;
    else if (c.offset !== undefined) where += ` @byte ${c.offset}`;
    if (c.field !== undefined) where += `${where ? ' ' : ''}field ${c.field}`;
    return where;
  }

  /** The full, human-readable text the CLI prints. */
  describe(): string {
    const where = this.where();
    const lines = [`error[${this.code}]: ${this.message}`];
    if (where) lines.push(`  at ${where}`);
    if (this.hint) lines.push(`  hint: ${this.hint}`);
    return lines.join('\n');
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.context, hint: this.hint };
  }
}

export function isInferscopeError(e: unknown): e is InferscopeError {
  return e instanceof InferscopeError;
}

/** Programmer errors: narrow types and fail fast. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

export function assertUnreachable(x: never): never {
  throw new Error(`unreachable: ${JSON.stringify(x)}`);
}
