/** @module `npm run docs`: rewrites the generated reference docs. */

import { writeFileSync } from 'node:fs';
import { renderCliReference, renderSchemaReference } from './reference-docs.js';

writeFileSync('docs/cli.md', renderCliReference());
writeFileSync('docs/schema.md', renderSchemaReference());
process.stdout.write('wrote docs/cli.md and docs/schema.md\n');
