export { loadSealingKey, SEALING_KEY_BYTES, SEALING_KEY_FILE, type SealingKey } from './key.js';
export { isSealed, Sealer } from './sealer.js';
