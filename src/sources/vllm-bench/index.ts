export { vllmBench } from './vllm-bench.js';
