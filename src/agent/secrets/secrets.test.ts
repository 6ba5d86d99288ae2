import { describe, expect, it } from 'vitest';
import type { TaskRoleCredentials } from '../protocol.js';
import { pullAuthFrom, withSecrets } from './containerSecrets.js';
import { CredentialIds, TaskCredentialCache } from './taskCredentials.js';

describe('container secrets', () => {
  it('adds variables over environment ones and merges log options into a log configuration', () => {
    const spec = { name: 'c', Image: 'i', Env: ['A=1', 'B=2'], HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-size': '1m' } } } };
    const out = withSecrets(spec, { env: [['B', 'secret'], ['C', 'x=y']], logOptions: { token: 't' } });
    expect(out.Env).toEqual(['A=1', 'B=secret', 'C=x=y']);
    expect(out.HostConfig!.LogConfig!.Config).toEqual({ 'max-size': '1m', token: 't' });
    expect(spec.Env).toEqual(['A=1', 'B=2']); // not mutated
    expect(withSecrets(spec, undefined)).toBe(spec);
  });

  it('pulls with repositoryCredentials for the image registry', () => {
    const s = { env: [], logOptions: {}, registryAuth: { username: 'u', password: 'p' } };
    expect(pullAuthFrom('127.0.0.1:5000/a/b:1', s)).toEqual({ username: 'u', password: 'p', serveraddress: '127.0.0.1:5000' });
    expect(pullAuthFrom('nginx', s)?.serveraddress).toBe('https://index.docker.io/v1/');
    expect(pullAuthFrom('nginx', { env: [], logOptions: {} })).toBeUndefined();
  });
});

describe('task role credentials', () => {
  it('keeps credentials until a quarter of their life (at most 15 minutes) is left', async () => {
    let now = 0;
    let fetched = 0;
    const hour = 3600_000;
    const cache = new TaskCredentialCache(async () => {
      fetched++;
      return { AccessKeyId: `K${fetched}`, Expiration: new Date(now + hour).toISOString() } as TaskRoleCredentials;
    }, () => now);
    expect((await cache.get('t')).AccessKeyId).toBe('K1');
    now = 44 * 60_000;
    expect((await cache.get('t')).AccessKeyId).toBe('K1');
    now = 46 * 60_000;
    expect((await cache.get('t')).AccessKeyId).toBe('K2');
    const [a, b] = await Promise.all([cache.get('u'), cache.get('u')]);
    expect(a).toBe(b); // one fetch for concurrent readers
    expect(fetched).toBe(3);
  });

  it('derives ids no one can compute from a task ARN', () => {
    const a = new CredentialIds();
    const b = new CredentialIds();
    expect(a.of('arn:t')).toBe(a.of('arn:t'));
    expect(a.of('arn:t')).not.toBe(b.of('arn:t'));
    expect(a.of('arn:t')).toMatch(/^[0-9a-f]{32}$/);
  });
});
