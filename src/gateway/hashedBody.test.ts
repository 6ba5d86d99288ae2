// Reading an AWS API body: bounded by the service's limit, within the shared budget and a deadline, hashed as it
// streams.
import { createHash } from 'node:crypto';
import type http from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../domain/errors.js';
import { BodyBudget } from './budget.js';
import { readHashedBody, type BodyRules } from './hashedBody.js';

const rules = (over: Partial<BodyRules> = {}): BodyRules => ({
  limit: 10,
  budget: new BodyBudget(100),
  deadlineMs: 1_000,
  tooLarge: (n) => new AwsError('TooLarge', String(n), 413),
  busy: () => new AwsError('Busy', 'busy'),
  tooSlow: () => new AwsError('Slow', 'slow'),
  ...over,
});

function request(headers: Record<string, string>): PassThrough & http.IncomingMessage {
  const s = new PassThrough() as PassThrough & http.IncomingMessage;
  (s as { headers: http.IncomingHttpHeaders }).headers = headers;
  return s;
}

describe('readHashedBody', () => {
  it('returns the body with its SHA-256, and gives the budget back on release', async () => {
    const budget = new BodyBudget(100);
    const req = request({ 'content-length': '5' });
    const reading = readHashedBody(req, rules({ budget }));
    req.end('hello');
    const { body, sha256, release } = await reading;
    expect(body.toString()).toBe('hello');
    expect(sha256).toBe(createHash('sha256').update('hello').digest('hex'));
    expect(budget.inUse).toBe(5);
    release();
    expect(budget.inUse).toBe(0);
  });

  it('refuses a declared length over the limit without reading or reserving anything', async () => {
    const budget = new BodyBudget(100);
    await expect(readHashedBody(request({ 'content-length': '11' }), rules({ budget }))).rejects.toMatchObject({ code: 'TooLarge' });
    expect(budget.inUse).toBe(0);
  });

  it('cuts off a chunked body that streams past the limit', async () => {
    const req = request({ 'transfer-encoding': 'chunked' });
    const reading = readHashedBody(req, rules());
    req.write('123456');
    req.write('7890AB');
    await expect(reading).rejects.toMatchObject({ code: 'TooLarge' });
  });

  it('answers busy when the budget is not granted in time, and slow when the body does not arrive in time', async () => {
    const budget = new BodyBudget(10);
    const held = await budget.acquire(10).granted;
    await expect(readHashedBody(request({ 'content-length': '5' }), rules({ budget, deadlineMs: 20 }))).rejects.toMatchObject({ code: 'Busy' });
    held();
    const slow = request({ 'content-length': '5' });
    const reading = readHashedBody(slow, rules({ budget, deadlineMs: 20 }));
    slow.write('he');
    await expect(reading).rejects.toMatchObject({ code: 'Slow' });
    expect(budget.inUse).toBe(0);
  });

  it('reads nothing for a request without a body', async () => {
    const { body } = await readHashedBody(request({}), rules());
    expect(body.length).toBe(0);
  });
});
