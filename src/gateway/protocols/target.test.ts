// Where the operation of a request comes from: the signed header, or a presigned URL's signed query string.
import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { signedTarget } from './target.js';

const req = (url: string, target?: string) =>
  ({ url, headers: target === undefined ? {} : { 'x-amz-target': target } }) as unknown as http.IncomingMessage;

describe('signedTarget', () => {
  it('takes the header of a header-signed request, never its query string', () => {
    expect(signedTarget(req('/?X-Amz-Target=Svc.DeleteCluster', 'Svc.ListClusters'), false)).toBe('Svc.ListClusters');
    expect(signedTarget(req('/?X-Amz-Target=Svc.DeleteCluster'), false)).toBeUndefined();
  });

  it('takes a presigned URL\'s query parameter, in whatever case the presigner wrote its name', () => {
    expect(signedTarget(req('/?x-amz-target=Svc.ListServices&X-Amz-Signature=ab'), true)).toBe('Svc.ListServices');
    expect(signedTarget(req('/?X-Amz-Target=Svc.ListServices'), true)).toBe('Svc.ListServices');
  });

  it('refuses a presigned URL whose header and query name different operations', () => {
    expect(() => signedTarget(req('/?X-Amz-Target=Svc.ListServices', 'Svc.DeleteCluster'), true)).toThrow(/different operations/);
    expect(signedTarget(req('/?X-Amz-Target=Svc.ListServices', 'Svc.ListServices'), true)).toBe('Svc.ListServices');
  });
});
