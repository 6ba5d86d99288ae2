// When a test fails, what the Wharf processes it started were saying: their warnings and errors, and the last lines
// of their log. On a loaded CI machine this is often all there is to tell a slow step from a broken one.
import { beforeEach } from 'vitest';
import { runningWharfs } from './harness.js';

const TAIL = 40;

function logTail(lines: readonly string[]): string {
  const levelOf = (line: string) => Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
  const start = Math.max(0, lines.length - TAIL);
  const picked = lines.filter((line, i) => i >= start || levelOf(line) >= 40);
  return picked.map((line) => (line.length > 500 ? `${line.slice(0, 500)}…` : line)).join('\n');
}

beforeEach((ctx) => {
  ctx.onTestFailed(() => {
    for (const wharf of runningWharfs) {
      process.stderr.write(`\n--- ${wharf.url}: warnings, errors and the last ${TAIL} log lines ---\n${logTail(wharf.output)}\n${wharf.stderr().slice(-2000)}\n`);
    }
  });
});
