/** @module Documented exit codes (docs/cli.md). */

import type { ErrorCode } from '../base/errors.js';

export const EXIT = {
  ok: 0,
  internal: 1,
  usage: 2,
  input: 3,
  store: 4,
  noData: 5,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'USAGE':
      return EXIT.usage;
    case 'FILE_NOT_FOUND':
    case 'UNKNOWN_FORMAT':
    case 'PARSE_ERROR':
    case 'INVALID_RECORD':
    case 'MAPPING_ERROR':
      return EXIT.input;
    case 'STORE_ERROR':
    case 'QUERY_ERROR':
      return EXIT.store;
    case 'NO_DATA':
      return EXIT.noData;
  }
}
