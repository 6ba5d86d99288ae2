// Why this exists: every change to CloudWatch Logs as an operation that carries all it depends on (its time too),
// so that each control plane replica applies the same operations in the same order to its own logs.db and gets the
// same result (store/opLog.ts). What the API checks before taking an operation in (batch limits, order) stays in
// index.ts; what depends on the state (does the group exist) is decided here, where every replica decides alike.
import { ResourceNotFound } from '../domain/errors.js';
import type { Outcome } from '../store/opLog.js';
import type { InputEvent, LogStore } from './store.js';

export type LogOp =
  | { k: 'createGroup'; name: string; now: number; logGroupClass?: string; tags?: Record<string, string> }
  | { k: 'deleteGroup'; name: string }
  | { k: 'retention'; name: string; days: number | null }
  | { k: 'createStream'; group: string; name: string; now: number }
  | { k: 'deleteStream'; group: string; name: string }
  /** PutLogEvents: the events already checked and cut to the accepted window; answers the sequence number. */
  | { k: 'put'; group: string; stream: string; events: InputEvent[]; now: number }
  /** Container output (awslogs, ECS Exec sessions): the group made first when `create`, the stream on first use. */
  | { k: 'append'; group: string; stream: string; events: InputEvent[]; now: number; create: boolean };

const MAX_BATCH_EVENTS = 10_000;

/** Applies operations in order, in one SQLite transaction that also records the batch's revision. */
export function applyLogOps(store: LogStore, ops: readonly LogOp[], revision: number): Outcome[] {
  const out: Outcome[] = [];
  store.db.transaction(() => {
    for (const op of ops) {
      try {
        out.push({ ok: true, value: applyOne(store, op) });
      } catch (error) {
        out.push({ ok: false, error });
      }
    }
    if (revision > 0) store.setAppliedRevision(revision);
  })();
  return out;
}

function applyOne(store: LogStore, op: LogOp): unknown {
  switch (op.k) {
    case 'createGroup':
      return void store.createGroup(op.name, op.now, { logGroupClass: op.logGroupClass, tags: op.tags });
    case 'deleteGroup':
      return void store.deleteGroup(op.name);
    case 'retention':
      return void store.setRetention(op.name, op.days);
    case 'createStream':
      return void store.createStream(op.group, op.name, op.now);
    case 'deleteStream':
      return void store.deleteStream(op.group, op.name);
    case 'put': {
      const g = store.requireGroup(op.group);
      const s = store.stream(g.id, op.stream);
      if (!s) throw new ResourceNotFound('The specified log stream does not exist.');
      return store.append(s, op.events, op.now);
    }
    case 'append': {
      if (!store.group(op.group)) {
        if (!op.create) throw new ResourceNotFound(`The specified log group does not exist: ${op.group}`);
        store.createGroup(op.group, op.now);
      }
      const g = store.requireGroup(op.group);
      let s = store.stream(g.id, op.stream) ?? store.createStream(op.group, op.stream, op.now);
      const sorted = [...op.events].sort((a, b) => a.timestamp - b.timestamp);
      for (let i = 0; i < sorted.length; i += MAX_BATCH_EVENTS) {
        store.append(s, sorted.slice(i, i + MAX_BATCH_EVENTS), op.now);
        s = store.stream(g.id, op.stream) ?? s;
      }
      return sorted.length;
    }
  }
}
