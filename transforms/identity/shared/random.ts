// The u-probability sample must be reproducible: the same input and seed give the same model
// and the same customers.
export { seededRandom as mulberry32 } from '../../../lib/random.js';
