export { inferencePerf } from './inference-perf.js';
