/** @module The command table: every CLI command, declared as data (help and docs come from it). */

import { demoCommand } from './commands/demo.js';
import { formatsCommand } from './commands/formats.js';
import { hardwareCommand } from './commands/hardware.js';
import { ingestCommand } from './commands/ingest.js';
import { modelsCommand } from './commands/models.js';
import { rooflineCommand } from './commands/roofline.js';
import { sqlCommand } from './commands/sql.js';
import { summaryCommand } from './commands/summary.js';
import type { CommandSpec } from './spec.js';

export const COMMANDS: readonly CommandSpec[] = [
  demoCommand,
  ingestCommand,
  formatsCommand,
  summaryCommand,
  sqlCommand,
  hardwareCommand,
  modelsCommand,
  rooflineCommand,
];
