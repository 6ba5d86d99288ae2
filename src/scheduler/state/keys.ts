// Index keys: three small integers packed into one exactly representable double, so one sorted list orders
// instances by (resource or group count, running tasks, slot). The last two are the scheduler's tie-break once
// every strategy has had its say: the instance with the fewest running tasks, then the one registered first.

const SLOT_BITS = 2 ** 21; // up to 2,097,152 instance slots
const RUNNING_SPAN = 2 ** 10; // running-task counts past 1023 all sort alike
const PRIMARY_MAX = 2 ** 22 - 1; // 4,194,303 MiB or CPU units; larger instances all sort alike

export const MAX_SLOTS = SLOT_BITS;

export function packKey(primary: number, running: number, slot: number): number {
  const p = primary <= 0 ? 0 : primary >= PRIMARY_MAX ? PRIMARY_MAX : Math.floor(primary);
  const r = running <= 0 ? 0 : running >= RUNNING_SPAN - 1 ? RUNNING_SPAN - 1 : running;
  return (p * RUNNING_SPAN + r) * SLOT_BITS + slot;
}

/** The smallest key whose primary part is >= `primary`: where a search for "at least this much" starts. */
export function keyFloor(primary: number): number {
  return packKey(Math.ceil(primary), 0, 0);
}

export function slotOf(key: number): number {
  return key % SLOT_BITS;
}

export function primaryOf(key: number): number {
  return Math.floor(key / (SLOT_BITS * RUNNING_SPAN));
}
