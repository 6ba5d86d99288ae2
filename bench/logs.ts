// Why this exists: the issue 8 benchmark for logs: PutLogEvents at 10,000 events/s sustained (batches through the
// same validation and append path as the API) and FilterLogEvents latency over 1,000,000 events.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { filterEvents } from '../src/logs/filter.js';
import { Logs } from '../src/logs/index.js';
import { compilePattern } from '../src/logs/pattern.js';

const dir = mkdtempSync(join(tmpdir(), 'wharf-bench-logs-'));
const logs = new Logs({ path: join(dir, 'logs.db') });
logs.store.createGroup('/bench', Date.now());
const STREAMS = 20;
for (let s = 0; s < STREAMS; s++) logs.store.createStream('/bench', `app/c/${s}`, Date.now());
const line = (i: number) =>
  i % 1000 === 0
    ? `{"level":"error","ms":${i % 500},"msg":"payment failed for order ${i}"}`
    : `2024-05-01T12:00:00Z INFO request ${i} GET /api/items/${i % 977} 200 ${i % 90}ms user=u${i % 1234}`;

// 1. Sustained: 10 seconds at 10,000 events/s, batches of 500 every 50 ms, as PutLogEvents calls.
const RATE = 10_000;
const SECONDS = 10;
const BATCH = 500;
let n = 0;
const lat: number[] = [];
const t0 = performance.now();
const base = Date.now() - 3600_000;
for (let b = 0; b < (RATE * SECONDS) / BATCH; b++) {
  const due = t0 + (b * BATCH * 1000) / RATE;
  while (performance.now() < due) await new Promise((r) => setTimeout(r, 1));
  const ev = Array.from({ length: BATCH }, (_, k) => ({ timestamp: base + n + k, message: line(n + k) }));
  const s = performance.now();
  logs.put('/bench', `app/c/${b % STREAMS}`, ev);
  lat.push(performance.now() - s);
  n += BATCH;
}
const wall = (performance.now() - t0) / 1000;
lat.sort((a, b) => a - b);
console.log(`logs bench: PutLogEvents ${n} events in ${wall.toFixed(2)} s = ${(n / wall).toFixed(0)} events/s sustained (target ${RATE})`);
console.log(`  per batch of ${BATCH}: median ${lat[lat.length >> 1]!.toFixed(2)} ms, p99 ${lat[Math.floor(lat.length * 0.99)]!.toFixed(2)} ms (busy ${((lat.reduce((a, b) => a + b, 0) / 1000 / wall) * 100).toFixed(0)}% of one core)`);

// 2. Fill to 1,000,000 events as fast as possible, then filter.
const f0 = performance.now();
while (n < 1_000_000) {
  const ev = Array.from({ length: 10_000 }, (_, k) => ({ timestamp: base + n + k, message: line(n + k) }));
  logs.put('/bench', `app/c/${(n / 10_000) % STREAMS}`, ev);
  n += 10_000;
}
console.log(`  bulk fill to ${n} events: ${((n - RATE * SECONDS) / ((performance.now() - f0) / 1000)).toFixed(0)} events/s`);
const g = logs.store.group('/bench')!;
const time = (label: string, pattern: string, limit = 10_000) => {
  const s = performance.now();
  const r = filterEvents(logs.store, { groupId: g.id, start: -8.64e15, end: 8.64e15, limit, pattern: compilePattern(pattern) });
  console.log(`  FilterLogEvents ${label.padEnd(38)} ${(performance.now() - s).toFixed(0).padStart(5)} ms, ${r.events.length} events${r.next ? ' (+ nextToken)' : ''}`);
};
time('rare term "payment failed"', '"payment failed"');
time('JSON { $.level = "error" && $.ms > 100 }', '{ $.level = "error" && $.ms > 100 }');
time('common term GET, first page', 'GET');
time('term absent everywhere', 'nonexistent');
time('no pattern, first 100', '', 100);
logs.stop();
