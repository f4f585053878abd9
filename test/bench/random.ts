export { pick, seededRandom } from '../../lib/random.js';
