// Opened values, kept in memory so a hot secret is not decrypted on every read (AES-GCM costs about as much as the
// rest of a read). Keyed by context and sealed text together, so a sealed value moved to another row still has to
// open under that row's context, and fails there. Bounded; the oldest entry goes first. Memory only: what is on disk
// stays sealed, and this process already holds the key that opens it.
import type { Sealer } from '../sealing/index.js';

export class OpenedValues {
  private readonly entries = new Map<string, Buffer>();

  constructor(
    private readonly sealer: Sealer,
    private readonly max = 1024,
  ) {}

  open(sealed: string, context: string): Buffer {
    const key = `${context}\u0000${sealed}`;
    const hit = this.entries.get(key);
    if (hit) return hit;
    const value = this.sealer.open(sealed, context);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
    return value;
  }
}
