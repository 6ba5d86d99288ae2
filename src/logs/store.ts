// Why this exists: the CloudWatch Logs data model over logs.db: groups, streams, the append path (one SQLite
// transaction per batch, stream counters kept current), reads by position, and retention expiry.
import type Database from 'better-sqlite3';
import { ResourceAlreadyExists, ResourceNotFound } from '../domain/errors.js';
import { openLogsDb, type EventRow, type GroupRow, type StreamRow } from './db.js';

export interface InputEvent {
  timestamp: number;
  message: string;
}

/** A position between events: (ts, id). Events strictly after or before it are read. */
export interface Position {
  ts: number;
  id: number;
}

export class LogStore {
  readonly db: Database.Database;
  private readonly q;

  constructor(path: string) {
    this.db = openLogsDb(path);
    const d = this.db;
    this.q = {
      group: d.prepare<[string], GroupRow>('SELECT * FROM groups WHERE name = ?'),
      groups: d.prepare<[], GroupRow>('SELECT * FROM groups ORDER BY name'),
      insertGroup: d.prepare('INSERT INTO groups (name, created, retention_days, class, tags) VALUES (?, ?, ?, ?, ?)'),
      retention: d.prepare('UPDATE groups SET retention_days = ? WHERE id = ?'),
      stream: d.prepare<[number, string], StreamRow>('SELECT * FROM streams WHERE group_id = ? AND name = ?'),
      streams: d.prepare<[number], StreamRow>('SELECT * FROM streams WHERE group_id = ? ORDER BY name'),
      insertStream: d.prepare('INSERT INTO streams (group_id, name, created) VALUES (?, ?, ?)'),
      insertEvent: d.prepare('INSERT INTO events (group_id, stream_id, ts, ingest, msg) VALUES (?, ?, ?, ?, ?)'),
      touchStream: d.prepare(
        'UPDATE streams SET first_ts = min(coalesce(first_ts, ?), ?), last_ts = max(coalesce(last_ts, ?), ?), last_ingest = ?, seq = seq + 1, bytes = bytes + ? WHERE id = ?',
      ),
      groupBytes: d.prepare<[number], { b: number | null }>('SELECT sum(bytes) AS b FROM streams WHERE group_id = ?'),
      applied: d.prepare<[], { value: number }>("SELECT value FROM meta WHERE name = 'applied-revision'"),
      setApplied: d.prepare("INSERT INTO meta (name, value) VALUES ('applied-revision', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
    };
  }

  /** The store revision of the last replicated batch this file holds (logs/ops.ts), 0 when none. */
  appliedRevision(): number {
    return this.q.applied.get()?.value ?? 0;
  }

  setAppliedRevision(revision: number): void {
    this.q.setApplied.run(revision);
  }

  close(): void {
    this.db.close();
  }

  group(name: string): GroupRow | undefined {
    return this.q.group.get(name);
  }

  requireGroup(name: string): GroupRow {
    const g = this.group(name);
    if (!g) throw new ResourceNotFound('The specified log group does not exist.');
    return g;
  }

  groups(): GroupRow[] {
    return this.q.groups.all();
  }

  groupBytes(id: number): number {
    return this.q.groupBytes.get(id)?.b ?? 0;
  }

  createGroup(name: string, now: number, opts: { retentionDays?: number; logGroupClass?: string; tags?: Record<string, string> } = {}): GroupRow {
    if (this.group(name)) throw new ResourceAlreadyExists('The specified log group already exists');
    this.q.insertGroup.run(name, now, opts.retentionDays ?? null, opts.logGroupClass ?? 'STANDARD', JSON.stringify(opts.tags ?? {}));
    return this.group(name)!;
  }

  deleteGroup(name: string): void {
    const g = this.requireGroup(name);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM events WHERE group_id = ?').run(g.id);
      this.db.prepare('DELETE FROM streams WHERE group_id = ?').run(g.id);
      this.db.prepare('DELETE FROM groups WHERE id = ?').run(g.id);
    })();
  }

  setRetention(name: string, days: number | null): void {
    this.q.retention.run(days, this.requireGroup(name).id);
  }

  stream(groupId: number, name: string): StreamRow | undefined {
    return this.q.stream.get(groupId, name);
  }

  streams(groupId: number): StreamRow[] {
    return this.q.streams.all(groupId);
  }

  createStream(groupName: string, name: string, now: number): StreamRow {
    const g = this.requireGroup(groupName);
    if (this.stream(g.id, name)) throw new ResourceAlreadyExists('The specified log stream already exists');
    this.q.insertStream.run(g.id, name, now);
    return this.stream(g.id, name)!;
  }

  deleteStream(groupName: string, name: string): void {
    const g = this.requireGroup(groupName);
    const s = this.stream(g.id, name);
    if (!s) throw new ResourceNotFound('The specified log stream does not exist.');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM events WHERE stream_id = ?').run(s.id);
      this.db.prepare('DELETE FROM streams WHERE id = ?').run(s.id);
    })();
  }

  /** Appends events (already checked) to a stream in one transaction; returns the stream's new sequence number. */
  append(stream: StreamRow, events: readonly InputEvent[], now: number): number {
    if (events.length === 0) return stream.seq;
    this.db.transaction(() => {
      let lo = Infinity;
      let hi = -Infinity;
      let bytes = 0;
      for (const e of events) {
        this.q.insertEvent.run(stream.group_id, stream.id, e.timestamp, now, e.message);
        lo = Math.min(lo, e.timestamp);
        hi = Math.max(hi, e.timestamp);
        bytes += Buffer.byteLength(e.message) + 26;
      }
      this.q.touchStream.run(lo, lo, hi, hi, now, bytes, stream.id);
    })();
    return stream.seq + 1;
  }

  /** Events of one stream within [start, end), after or before a position, in time order. */
  streamEvents(streamId: number, start: number, end: number, limit: number, from: { after?: Position; before?: Position }): EventRow[] {
    if (from.before) {
      const p = from.before;
      const rows = this.db
        .prepare<unknown[], EventRow>('SELECT id, stream_id, ts, ingest, msg FROM events WHERE stream_id = ? AND ts >= ? AND ts < ? AND (ts < ? OR (ts = ? AND id < ?)) ORDER BY ts DESC, id DESC LIMIT ?')
        .all(streamId, start, end, p.ts, p.ts, p.id, limit);
      return rows.reverse();
    }
    const p = from.after ?? { ts: -Infinity, id: -1 };
    return this.db
      .prepare<unknown[], EventRow>('SELECT id, stream_id, ts, ingest, msg FROM events WHERE stream_id = ? AND ts >= ? AND ts < ? AND (ts > ? OR (ts = ? AND id > ?)) ORDER BY ts, id LIMIT ?')
      .all(streamId, start, end, p.ts === -Infinity ? -8.64e15 : p.ts, p.ts === -Infinity ? -8.64e15 : p.ts, p.id, limit);
  }

  /** Deletes events older than each group's retention; returns how many went. */
  expire(now: number): number {
    let n = 0;
    for (const g of this.groups()) {
      if (!g.retention_days) continue;
      n += this.db.prepare('DELETE FROM events WHERE group_id = ? AND ts < ?').run(g.id, now - g.retention_days * 86400_000).changes;
    }
    return n;
  }
}
