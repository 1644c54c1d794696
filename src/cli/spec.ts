/** @module The declarative shape of a CLI command: the table in commands.ts is made of these. */

import type { Io } from './io.js';

export interface OptionSpec {
  /** Commander flag syntax, e.g. `--db <file>` or `--json`. */
  flags: string;
  description: string;
  default?: string | boolean;
  /** May be given several times; values collect into an array. */
  repeatable?: boolean;
}

export interface CommandSpec {
  name: string;
  /** Positional arguments in commander syntax, e.g. `<paths...>`. */
  args?: string;
  summary: string;
  /** Longer text shown by `--help`. */
  description?: string;
  options: OptionSpec[];
  /** Real invocations, shown by `--help` and in docs/cli.md. */
  examples: string[];
  /** Runs the command; returns the exit code. */
  run(args: string[], options: Record<string, unknown>, io: Io): Promise<number>;
}

export const DB_OPTION: OptionSpec = {
  flags: '--db <file>',
  description: 'DuckDB database file',
  default: 'inferscope.duckdb',
};

export const JSON_OPTION: OptionSpec = {
  flags: '--json',
  description: 'print JSON instead of text',
};
