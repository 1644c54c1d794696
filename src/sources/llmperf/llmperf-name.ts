/** @module The llmperf format name, shared by the reader modules without an import cycle. */

export const LLMPERF = 'llmperf';
