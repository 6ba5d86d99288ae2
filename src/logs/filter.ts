// Why this exists: FilterLogEvents across a group's streams, interleaved in time order, with the pattern's required
// terms pushed into SQL (instr) so a rare term over a million events is one indexed scan in SQLite, not in JS.
// It stops at `limit` matches or after `scanBudget` rows, and hands back the position to resume from.
import type { EventRow } from './db.js';
import type { CompiledPattern } from './pattern.js';
import type { LogStore, Position } from './store.js';

export interface FilterQuery {
  groupId: number;
  streamIds?: number[];
  start: number;
  end: number;
  after?: Position;
  limit: number;
  pattern: CompiledPattern;
  /** Rows examined before returning what was found with a token (as CloudWatch pages long searches). */
  scanBudget?: number;
}

export interface FilterResult {
  events: EventRow[];
  /** Where the next page starts; undefined when the range is exhausted. */
  next?: Position;
}

export function filterEvents(store: LogStore, q: FilterQuery): FilterResult {
  const args: unknown[] = [q.groupId, q.start, q.end];
  let sql = 'SELECT id, stream_id, ts, ingest, msg FROM events WHERE group_id = ? AND ts >= ? AND ts < ?';
  if (q.after) {
    sql += ' AND (ts > ? OR (ts = ? AND id > ?))';
    args.push(q.after.ts, q.after.ts, q.after.id);
  }
  if (q.streamIds) {
    if (q.streamIds.length === 0) return { events: [] };
    sql += ` AND stream_id IN (${q.streamIds.map(() => '?').join(',')})`;
    args.push(...q.streamIds);
  }
  for (const t of q.pattern.required) {
    sql += ' AND instr(msg, ?) > 0';
    args.push(t);
  }
  sql += ' ORDER BY ts, id';
  const budget = q.scanBudget ?? 1_000_000;
  const events: EventRow[] = [];
  let scanned = 0;
  let last: Position | undefined;
  for (const row of store.db.prepare<unknown[], EventRow>(sql).iterate(...args)) {
    scanned++;
    last = { ts: row.ts, id: row.id };
    if (q.pattern.match(row.msg)) {
      events.push(row);
      if (events.length >= q.limit) return { events, next: last };
    }
    if (scanned >= budget) return { events, next: last };
  }
  return { events };
}
