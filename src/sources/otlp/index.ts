export { otlp } from './otlp.js';
