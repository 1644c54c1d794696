export { genaiPerf } from './profile-export.js';
export { genaiPerfSummary } from './summary.js';
