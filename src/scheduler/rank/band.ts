// The ranking's definition, over an explicit list of feasible instances: each strategy keeps the instances it
// scores best, the next strategy ranks only those, and the fewest running tasks then the earliest registration
// break what ties remain. The indexed walk in select.ts must choose what this chooses; it falls back to this
// for ties its indexes cannot order, and `selectNaive` applies it to the whole cluster as the tests' reference.

import type { ClusterState } from '../state/clusterState.js';
import type { StaticFilter } from '../state/indexes.js';
import { packKey } from '../state/keys.js';
import type { Partition } from '../state/partitions.js';
import type { Slot } from '../state/slot.js';
import type { TaskDemand } from '../types.js';
import type { Rank } from './strategies.js';

export interface SelectContext {
  readonly state: ClusterState;
  readonly demand: TaskDemand;
  readonly group: string;
  readonly feasible: (s: Slot) => boolean;
  /** The static part of `feasible`: which indexes to walk. */
  readonly filter: StaticFilter;
  readonly random: () => number;
}

type Chain = readonly Rank[];

/** The same choice by scanning every instance: the reference semantics (the random strategy aside). */
export function selectNaive(ctx: SelectContext, chain: Chain): number {
  return selectInBand(ctx, feasibleIn(ctx, [ctx.state.all]), chain, 0);
}

/** Ranks an explicit list of feasible slots by `chain[at..]`, straight from the definition. */
export function selectInBand(ctx: SelectContext, band: readonly number[], chain: Chain, at: number): number {
  if (band.length <= 1) return band.length === 0 ? -1 : band[0]!;
  const slots = ctx.state.slots;
  if (at === chain.length) return minBy(band, (i) => packKey(slots[i]!.runningTasksCount, 0, i))[0]!;
  const r = chain[at]!;
  let score: (i: number) => number;
  switch (r.kind) {
    case 'random':
      return band[Math.floor(ctx.random() * band.length)]!;
    case 'binpack':
      score = r.field === 'cpu' ? (i) => slots[i]!.cpu : (i) => slots[i]!.memory;
      break;
    case 'spreadInstance': {
      const hosts = ctx.state.groups.hostsOf(ctx.group);
      score = (i) => hosts.get(i) ?? 0;
      break;
    }
    case 'spreadAttribute': {
      const counts = ctx.state.groups.countsByValue(ctx.group, r.attribute);
      const p = ctx.state.partitioning(r.attribute);
      score = (i) => counts.get(p.partOf[i]!.value) ?? 0;
      break;
    }
  }
  return selectInBand(ctx, minBy(band, score), chain, at + 1);
}

/** The members of `xs` with the lowest score. */
function minBy(xs: readonly number[], score: (x: number) => number): number[] {
  let best = Infinity;
  let out: number[] = [];
  for (const x of xs) {
    const v = score(x);
    if (v < best) {
      best = v;
      out = [x];
    } else if (v === best) out.push(x);
  }
  return out;
}

export function feasibleIn(ctx: SelectContext, parts: readonly Partition[]): number[] {
  const out: number[] = [];
  for (const p of parts) for (const i of p.members) if (ctx.feasible(ctx.state.slots[i]!)) out.push(i);
  return out;
}
