export { aiperf } from './aiperf.js';
export { aiperfSummary } from './summary.js';
