export { prometheus } from './prometheus.js';
