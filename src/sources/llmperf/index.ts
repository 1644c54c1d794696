export { llmperf } from './llmperf.js';
