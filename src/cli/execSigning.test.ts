// `wharf exec` signs with its own few lines of SigV4: the gateway's verifier must accept what they sign, and refuse
// it once anything signed changes.
import { describe, expect, it } from 'vitest';
import { verifySigV4 } from '../gateway/auth/index.js';
import { presignGet, signPost } from './execSigning.js';

const keys = { accessKeyId: 'AKIAEXECTEST00000001', secretAccessKey: 'exec-secret' };
const secretFor = (id: string) => (id === keys.accessKeyId ? keys.secretAccessKey : undefined);
const now = new Date('2026-11-30T12:00:00Z');

describe('exec signing', () => {
  it('signs the ExecuteCommand POST as the gateway verifies it', () => {
    const body = JSON.stringify({ task: 'abc', command: 'true', interactive: true });
    const headers = signPost(keys, 'us-east-1', '127.0.0.1:4510', 'AmazonEC2ContainerServiceV20141113.ExecuteCommand', body, now);
    const rawHeaders = Object.entries(headers).flat();
    const req = { method: 'POST', url: '/', rawHeaders, body: Buffer.from(body) };
    expect(verifySigV4(req, secretFor, now).accessKeyId).toBe(keys.accessKeyId);
    expect(() => verifySigV4({ ...req, body: Buffer.from(body.replace('abc', 'abd')) }, secretFor, now)).toThrow();
  });

  it('presigns the stream URL, extra parameters included', () => {
    const url = presignGet(keys, 'us-east-1', 'ws://127.0.0.1:4510/_wharf/exec/ecs-execute-command-00ff', { token: 'a+b/c=' }, now);
    const u = new URL(url);
    expect(u.searchParams.get('token')).toBe('a+b/c=');
    const req = { method: 'GET', url: u.pathname + u.search, rawHeaders: ['host', u.host], body: Buffer.alloc(0) };
    expect(verifySigV4(req, secretFor, now).accessKeyId).toBe(keys.accessKeyId);
    const tampered = { ...req, url: req.url.replace('token=a', 'token=b') };
    expect(() => verifySigV4(tampered, secretFor, now)).toThrow();
  });
});
