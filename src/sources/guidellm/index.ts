export { guidellm } from './guidellm.js';
