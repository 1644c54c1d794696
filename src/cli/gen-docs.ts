/** @module `npm run docs`: rewrites the generated reference docs. */

import { writeFileSync } from 'node:fs';
import {
  renderCliReference,
  renderFormatsReference,
  renderSchemaReference,
} from './reference-docs.js';

writeFileSync('docs/cli.md', renderCliReference());
writeFileSync('docs/schema.md', renderSchemaReference());
writeFileSync('docs/formats.md', renderFormatsReference());
process.stdout.write('wrote docs/cli.md, docs/schema.md and docs/formats.md\n');
