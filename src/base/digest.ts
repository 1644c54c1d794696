/** @module Content digests of files, streamed (files may be larger than memory). */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

/** SHA-256 of a file's bytes, as lowercase hex. */
export async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

const EDGE_BYTES = 1 << 20;

/**
 * A cheap content fingerprint: SHA-256 over the size and the first and last MiB. Identical files
 * always share it; different files almost never do (the ingest falls back to the full digest when
 * they do), so it can name an ingest before the full digest, which runs while the file loads.
 */
export async function fileFingerprint(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${size}:`);
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(Math.min(EDGE_BYTES, size));
    await fh.read(head, 0, head.length, 0);
    hash.update(head);
    if (size > EDGE_BYTES) {
      const tailLength = Math.min(EDGE_BYTES, size - EDGE_BYTES);
      const tail = Buffer.alloc(tailLength);
      await fh.read(tail, 0, tailLength, size - tailLength);
      hash.update(tail);
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}
