// Ranking: among the instances that pass the pipeline, the one a strategy chain prefers. The chain is a
// lexicographic order: each strategy ranks, and only its ties go on to the next one. When every strategy has
// ranked, the instance running the fewest tasks wins, then the one registered first.
//
// Two ways to walk it, with the same answer:
// - Indexed (`selectSlot`): a strategy walks a part's sorted index from the best possible key and stops at
//   the first feasible instance, so a decision touches a handful of instances however big the cluster is.
//   binpack seeks "at least the task's demand" in the part's cpu/memory index, from the bucket of the other
//   resource's demand up (state/indexes.ts); spread(attribute) visits the attribute's values from the least
//   loaded; spread(instanceId) walks the fewest-running index skipping the group's hosts; random draws members
//   until one is feasible.
// - Banded (band.ts): the definition itself, over an explicit list of feasible instances. Used for ties the
//   indexes cannot order (e.g. binpack then spread), and by `selectNaive`, the reference that tests hold the
//   indexed walk to.

import { keyFloor, primaryOf, slotOf } from '../state/keys.js';
import { bucketOf } from '../state/indexes.js';
import type { Partition } from '../state/partitions.js';
import { Cursor, lowerBound } from '../state/sortedList.js';
import { feasibleIn, selectInBand, type SelectContext } from './band.js';
import type { Rank } from './strategies.js';

export { selectNaive, type SelectContext } from './band.js';

type Chain = readonly Rank[];
const cursor = new Cursor();

/** The chosen slot index, or -1 if no instance is feasible. */
export function selectSlot(ctx: SelectContext, chain: Chain): number {
  return inParts(ctx, [ctx.state.all], chain, 0);
}

function inParts(ctx: SelectContext, parts: readonly Partition[], chain: Chain, at: number): number {
  if (at === chain.length) return fewestRunning(ctx, parts, () => true);
  const r = chain[at]!;
  switch (r.kind) {
    case 'random':
      return randomIn(ctx, parts);
    case 'binpack':
      return binpack(ctx, parts, r.field, chain, at);
    case 'spreadInstance':
      return spreadInstance(ctx, parts, chain, at);
    case 'spreadAttribute':
      return spreadAttribute(ctx, parts, r.attribute, chain, at);
  }
}

/** First feasible instance in (running tasks, slot) order, among those `allowed`. */
function fewestRunning(ctx: SelectContext, parts: readonly Partition[], allowed: (i: number) => boolean): number {
  let best = Infinity;
  for (const p of parts) {
    for (const list of p.runningIndex(ctx.filter).within(ctx.demand.cpu, ctx.demand.memory)) {
      for (list.seek(0, cursor); cursor.valid; cursor.next()) {
        const k = cursor.value;
        if (k >= best) break;
        const i = slotOf(k);
        if (allowed(i) && ctx.feasible(ctx.state.slots[i]!)) {
          best = k;
          break;
        }
      }
    }
  }
  return best === Infinity ? -1 : slotOf(best);
}

function binpack(ctx: SelectContext, parts: readonly Partition[], field: 'cpu' | 'memory', chain: Chain, at: number) {
  const floor = keyFloor(field === 'cpu' ? ctx.demand.cpu : ctx.demand.memory);
  // Buckets below the one holding the other resource's need cannot fit: start there.
  const first = bucketOf(field === 'cpu' ? ctx.demand.memory : ctx.demand.cpu);
  const last = at + 1 === chain.length;
  let best = Infinity;
  for (const p of parts) {
    const buckets = p.resourceIndex(field, ctx.filter).buckets;
    for (let b = first; b < buckets.length; b++) {
      const list = buckets[b];
      if (!list) continue;
      for (list.seek(floor, cursor); cursor.valid; cursor.next()) {
        const k = cursor.value;
        if (last ? k >= best : primaryOf(k) > primaryOf(best)) break;
        if (ctx.feasible(ctx.state.slots[slotOf(k)]!)) {
          if (k < best) best = k;
          break;
        }
      }
    }
  }
  if (best === Infinity) return -1;
  if (last) return slotOf(best);
  // Ties on the resource go to the next strategy.
  const K = primaryOf(best);
  const band: number[] = [];
  for (const p of parts) {
    const buckets = p.resourceIndex(field, ctx.filter).buckets;
    for (let b = first; b < buckets.length; b++) {
      const list = buckets[b];
      if (!list) continue;
      for (list.seek(keyFloor(K), cursor); cursor.valid && primaryOf(cursor.value) === K; cursor.next()) {
        const i = slotOf(cursor.value);
        if (ctx.feasible(ctx.state.slots[i]!)) band.push(i);
      }
    }
  }
  return selectInBand(ctx, band, chain, at + 1);
}

function spreadInstance(ctx: SelectContext, parts: readonly Partition[], chain: Chain, at: number): number {
  const hosts = ctx.state.groups.hostsOf(ctx.group);
  // Instances without a task of the group come first.
  if (at + 1 === chain.length) {
    const i = fewestRunning(ctx, parts, (j) => !hosts.has(j));
    if (i >= 0) return i;
  } else {
    const band = feasibleIn(ctx, parts).filter((j) => !hosts.has(j));
    if (band.length > 0) return selectInBand(ctx, band, chain, at + 1);
  }
  // Then the group's hosts, by how many of its tasks they carry.
  const band: number[] = [];
  for (const j of hosts.keys()) {
    if (parts.some((p) => contains(p.members, j)) && ctx.feasible(ctx.state.slots[j]!)) band.push(j);
  }
  return selectInBand(ctx, band, chain, at);
}

function spreadAttribute(ctx: SelectContext, parts: readonly Partition[], attribute: string, chain: Chain, at: number) {
  if (parts.length !== 1 || parts[0] !== ctx.state.all) {
    // Already inside another split (e.g. spread on two attributes): rank the feasible ones directly.
    return selectInBand(ctx, feasibleIn(ctx, parts), chain, at);
  }
  const counts = ctx.state.groups.countsByValue(ctx.group, attribute);
  const levels = [...ctx.state.partitioning(attribute).parts.values()]
    .map((p) => ({ p, n: counts.get(p.value) ?? 0 }))
    .sort((a, b) => a.n - b.n);
  for (let k = 0; k < levels.length; ) {
    const level: Partition[] = [];
    const n = levels[k]!.n;
    for (; k < levels.length && levels[k]!.n === n; k++) level.push(levels[k]!.p);
    const i = inParts(ctx, level, chain, at + 1);
    if (i >= 0) return i;
  }
  return -1;
}

function randomIn(ctx: SelectContext, parts: readonly Partition[]): number {
  const total = parts.reduce((n, p) => n + p.members.length, 0);
  // Draw members until one is feasible: uniform over the feasible ones, and usually one or two draws.
  for (let tries = 0; tries < 32 && total > 0; tries++) {
    let r = Math.floor(ctx.random() * total);
    for (const p of parts) {
      if (r < p.members.length) {
        const i = p.members[r]!;
        if (ctx.feasible(ctx.state.slots[i]!)) return i;
        break;
      }
      r -= p.members.length;
    }
  }
  const band = feasibleIn(ctx, parts);
  return band.length === 0 ? -1 : band[Math.floor(ctx.random() * band.length)]!;
}

function contains(sorted: readonly number[], x: number): boolean {
  return sorted[lowerBound(sorted, x)] === x;
}
