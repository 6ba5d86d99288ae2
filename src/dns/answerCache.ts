// Encoded answers kept per question, so a repeated query costs a lookup, a copy and two patched bytes rather than a
// zone walk and an encoding. The key is the question's bytes as sent (so the copied question is the client's own),
// plus the answer's size limit and whether the client sent EDNS. Zone answers may be random (Cloud Map shuffles
// its instances and WEIGHTED picks one), so an entry holds VARIANTS answers built separately and hands them out in
// turn, rebuilding one every REFRESH_EVERY uses so the orders keep changing. The whole cache is dropped whenever
// the state the zones read changes; it is also dropped when it reaches MAX_ENTRIES (clients that randomise the
// case of their names make many keys).

/** Answers kept per question: consecutive queries see this many independent shuffles. */
export const VARIANTS = 8;
/** Every this many uses of an entry, the variant in turn is built afresh (prime, so every slot's turn comes). */
export const REFRESH_EVERY = 61;
export const MAX_ENTRIES = 4096;

export interface CacheEntry {
  /** Names no zone claims: forwarded, never built. */
  forward: boolean;
  variants: (Buffer | undefined)[];
  uses: number;
}

export class AnswerCache {
  private readonly entries = new Map<string, CacheEntry>();

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CacheEntry | undefined {
    return this.entries.get(key);
  }

  add(key: string, forward: boolean): CacheEntry {
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const entry: CacheEntry = { forward, variants: new Array(VARIANTS).fill(undefined), uses: 0 };
    this.entries.set(key, entry);
    return entry;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** The variant slot an entry's next use takes. */
export function takeSlot(entry: CacheEntry): number {
  return entry.uses++ % VARIANTS;
}

/** Whether the slot just taken must be built: empty, or its turn to be refreshed. */
export function stale(entry: CacheEntry, slot: number): boolean {
  return entry.variants[slot] === undefined || entry.uses % REFRESH_EVERY === 0;
}
