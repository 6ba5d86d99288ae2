// Why this exists: log events are many and append-only, so they live in their own SQLite file (logs.db) beside the
// state store instead of in the key-value store every replica caches in memory: groups, streams and events with the
// indexes GetLogEvents (stream, time) and FilterLogEvents (group, time) read by. They survive a restart.
import Database from 'better-sqlite3';

export function openLogsDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS groups (
      id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created INTEGER NOT NULL,
      retention_days INTEGER, class TEXT NOT NULL DEFAULT 'STANDARD', tags TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE IF NOT EXISTS streams (
      id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL, name TEXT NOT NULL, created INTEGER NOT NULL,
      first_ts INTEGER, last_ts INTEGER, last_ingest INTEGER, seq INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,
      UNIQUE (group_id, name)
    );
    CREATE TABLE IF NOT EXISTS events (
      id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL, stream_id INTEGER NOT NULL,
      ts INTEGER NOT NULL, ingest INTEGER NOT NULL, msg TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS events_by_stream ON events (stream_id, ts, id);
    CREATE INDEX IF NOT EXISTS events_by_group ON events (group_id, ts, id);
    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
  `);
  return db;
}

export interface GroupRow {
  id: number;
  name: string;
  created: number;
  retention_days: number | null;
  class: string;
  tags: string;
}

export interface StreamRow {
  id: number;
  group_id: number;
  name: string;
  created: number;
  first_ts: number | null;
  last_ts: number | null;
  last_ingest: number | null;
  seq: number;
  bytes: number;
}

export interface EventRow {
  id: number;
  stream_id: number;
  ts: number;
  ingest: number;
  msg: string;
}
