/** @module Builds the commander program from the command table and runs it with error handling. */

import { Command, CommanderError, Option } from 'commander';
import { isInferscopeError } from '../base/errors.js';
import { COMMANDS } from './commands.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import type { Io } from './io.js';

const VERSION = '0.1.0';

const EXIT_HELP = `
Exit codes:
  0  success
  1  internal error (a bug: please report it)
  2  usage error (unknown flag, bad value)
  3  input error (file missing, unknown format, malformed or invalid file)
  4  store or query error
  5  no data to report`;

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('inferscope')
    .description(
      'Workbench for LLM inference fleets: ingest telemetry into one canonical store and analyse it.',
    )
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .addHelpText('after', EXIT_HELP);
  for (const spec of COMMANDS) {
    const cmd = program
      .command(spec.name)
      .summary(spec.summary)
      .description(spec.description ?? spec.summary);
    if (spec.args) cmd.arguments(spec.args);
    for (const o of spec.options) {
      const opt = new Option(o.flags, o.description);
      if (o.repeatable)
        opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
      if (o.default !== undefined) opt.default(o.default);
      cmd.addOption(opt);
    }
    cmd.addHelpText(
      'after',
      `\nExamples:\n${spec.examples.map((e) => `  $ ${e}`).join('\n')}\n${EXIT_HELP}`,
    );
    cmd.exitOverride();
    cmd.action(async (...params: unknown[]) => {
      const command = params[params.length - 1] as Command;
      const opts = command.opts();
      const positional = command.args;
      setExit(await spec.run(positional, opts, io));
    });
  }
  return program;
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. Never throws. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  let exit: number = EXIT.ok;
  const program = buildProgram(io, (c) => (exit = c));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exit;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      )
        return EXIT.ok;
      return EXIT.usage;
    }
    if (isInferscopeError(e)) {
      io.err(e.describe());
      return exitCodeFor(e.code);
    }
    io.err(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return EXIT.internal;
  }
}
