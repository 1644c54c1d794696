#!/usr/bin/env node
/** @module The `inferscope` binary. */

import { processIo } from './io.js';
import { runCli } from './program.js';

// A closed pipe (`inferscope formats | head`) ends the output, not the program with a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await runCli(process.argv.slice(2), processIo);
