/** @module zod validation of frontier input files, failing with the file and the offending field. */

import type { z } from 'zod';
import { InferscopeError } from '../../base/errors.js';

/** Parses `value` with `schema`; the first issue becomes a PARSE_ERROR naming file and field. */
export function validateFile<T extends z.ZodType>(
  schema: T,
  value: unknown,
  ctx: { file: string; format: string; hint: string },
): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field =
    issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '') || '(document)';
  throw new InferscopeError('PARSE_ERROR', `${ctx.format}: ${field}: ${issue.message}`, {
    file: ctx.file,
    format: ctx.format,
    field,
    hint: ctx.hint,
  });
}
