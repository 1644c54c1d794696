/** @module Request traces read by DuckDB's own readers: Azure, Mooncake, Vidur and generic. */
export { azureTrace } from './azure-trace.js';
export { mooncakeTrace } from './mooncake-trace.js';
export { requestTrace } from './request-trace.js';
export { vidurTrace } from './vidur-trace.js';
