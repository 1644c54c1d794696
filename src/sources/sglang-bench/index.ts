export { sglangBench } from './sglang-bench.js';
