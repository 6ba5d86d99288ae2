// A rough speed check: the gateway targets 5,000+ signed requests/s on 2 cores, so verification must cost a small
// fraction of that budget. Logs the rate; the bound asserted is loose on purpose (shared, noisy CI machines).

import { expect, it } from 'vitest';
import { verifySigV4 } from './sigv4.js';
import { NOW, ecsJson, presign, secrets, sign } from './testkit.js';

it('verifies 10,000 signed ECS requests quickly', async () => {
  const header = await sign(ecsJson('DescribeServices', JSON.stringify({ cluster: 'default', services: ['web', 'worker'] })));
  const presigned = await presign({ method: 'GET', path: '/v1/things', query: { name: 'a b', tag: ['2', '1'] } });
  for (let i = 0; i < 500; i++) verifySigV4(header, secrets, NOW); // warm up the JIT and the signing-key cache

  const n = 10_000;
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let verified = 0;
  for (let i = 0; i < n; i++) {
    if (verifySigV4(i % 10 === 0 ? presigned : header, secrets, NOW).accessKeyId) verified++;
  }
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  const cpuMs = (used.user + used.system) / 1000;

  console.log(`sigv4: ${n} verifications in ${wallMs.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU ` +
    `(${Math.round(n / (cpuMs / 1000))}/s per CPU second)`);
  expect(verified).toBe(n);
  expect(cpuMs).toBeLessThan(10_000); // CPU, not wall: a busy machine slows the wall clock, not the work
});
