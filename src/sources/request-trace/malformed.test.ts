import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isInferscopeError, type InferscopeError } from '../../base/errors.js';
import { ingestFile } from '../../store/ingest.js';
import { withStore } from '../../../test/helpers.js';

const AZURE_HEAD = 'TIMESTAMP,ContextTokens,GeneratedTokens\r\n';
const azureRow = (i: number, ctx: string | number = 100 + i) =>
  `2023-11-16 18:17:0${i}.9799600,${ctx},10\r\n`;
const moon = (t: number, input: string | number = 600) =>
  `{"timestamp": ${t}, "input_length": ${input}, "output_length": 5, "hash_ids": [0, ${t + 1}]}\n`;

/** Ingests `text`; returns the error, after checking nothing at all was written. */
async function parseError(name: string, text: string): Promise<InferscopeError> {
  return withStore(async (store, dir) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    const e = await ingestFile(store, path).catch((x: unknown) => x);
    if (!isInferscopeError(e)) throw e;
    for (const table of ['ingest', 'request', 'run']) {
      const [{ n }] = await store.query(`SELECT count(*) AS n FROM ${table}`, { n: 'int' });
      expect(n).toBe(0);
    }
    expect(e.context.file).toBe(path);
    return e;
  });
}

describe('request traces: malformed input', () => {
  it('CSV: a letter in a numeric column → PARSE_ERROR with line and column', async () => {
    const e = await parseError(
      'azure.csv',
      AZURE_HEAD + azureRow(1) + azureRow(2, '31x0') + azureRow(3),
    );
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.context.line).toBe(3);
    expect(e.context.field).toBe('ContextTokens');
    expect(e.context.format).toBe('azure-trace');
    expect(e.message).toContain('"31x0"');
    expect(e.describe()).toContain('azure.csv:3');
  });

  it('CSV: a truncated last line → PARSE_ERROR naming that line', async () => {
    const text = AZURE_HEAD + azureRow(1) + azureRow(2) + '2023-11-16 18:17:04.07';
    const e = await parseError('azure.csv', text);
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.context.line).toBe(4);
    expect(e.message).toContain('expected 3 fields, found 1');
    expect(e.hint).toContain('truncated');
    // Cut inside the numbers: still one field short.
    const cut = await parseError(
      'azure.csv',
      AZURE_HEAD + azureRow(1) + '2023-11-16 18:17:04.0781490,11',
    );
    expect(cut.context.line).toBe(3);
  });

  it('CSV: a bad timestamp and a bad generic value name their line and column', async () => {
    const ts = await parseError(
      'azure.csv',
      AZURE_HEAD + azureRow(1) + '2023-13-45 99:17:04.1,1,2\r\n',
    );
    expect(ts.context).toMatchObject({ line: 3, field: 'TIMESTAMP' });
    const generic = await parseError(
      'trace.csv',
      'request_id,t_client_send_ns,prompt_tokens\na,1763640000000000000,10\nb,1763640000000000001,1O\n',
    );
    expect(generic.context).toMatchObject({
      line: 3,
      field: 'prompt_tokens',
      format: 'request-trace',
    });
  });

  it('JSONL: a malformed record → PARSE_ERROR on its own line', async () => {
    const text =
      moon(0) + moon(10) + '{"timestamp": 20, "input_length": 6x, "output_length": 5}\n' + moon(30);
    const e = await parseError('trace.jsonl', text);
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.context.line).toBe(3);
    expect(e.message).toContain('malformed JSON on line 3');
  });

  it('JSONL: a truncated last record → PARSE_ERROR saying so', async () => {
    const e = await parseError('trace.jsonl', moon(0) + moon(10) + '{"timestamp": 20, "input_le');
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.context.line).toBe(3);
    expect(e.message).toContain('truncated JSON on line 3');
  });

  it('JSONL: a value of the wrong type → PARSE_ERROR naming line and key', async () => {
    const e = await parseError('trace.jsonl', moon(0) + moon(10, '"abc"') + moon(20));
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.context).toMatchObject({ line: 2, field: 'input_length' });
  });

  it('an empty file is not recognised; a header alone gives no rows and a warning', async () => {
    const e = await parseError('trace.csv', '');
    expect(e.code).toBe('UNKNOWN_FORMAT');
    await withStore(async (store, dir) => {
      const path = join(dir, 'AzureLLMInferenceTrace_code.csv');
      writeFileSync(path, AZURE_HEAD);
      const r = await ingestFile(store, path);
      expect(r.counts.request).toBe(0);
      expect(r.warnings.map((w) => w.code)).toEqual(['EMPTY']);
    });
  });
});
