import { describe, expect, it } from 'vitest';
import { pinnedReference, repoDigestOf, repositoryOf } from './imageRef.js';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;

describe('image references', () => {
  it('takes the repository from a reference with a registry port, a tag or a digest', () => {
    expect(repositoryOf('127.0.0.1:5000/app/web:1.2')).toBe('127.0.0.1:5000/app/web');
    expect(repositoryOf('127.0.0.1:5000/app/web')).toBe('127.0.0.1:5000/app/web');
    expect(repositoryOf(`busybox@${D1}`)).toBe('busybox');
    expect(repositoryOf(`web:1@${D1}`)).toBe('web');
  });

  it('finds the digest of the image\'s own repository among its RepoDigests', () => {
    const rds = [`127.0.0.1:5000/other@${D2}`, `127.0.0.1:5000/app@${D1}`];
    expect(repoDigestOf('127.0.0.1:5000/app:latest', rds)).toBe(D1);
    expect(repoDigestOf('127.0.0.1:5000/nope:latest', rds)).toBeUndefined();
    expect(repoDigestOf('docker.io/library/busybox:1', [`busybox@${D1}`])).toBe(D1);
    expect(repoDigestOf('local/built:1', [])).toBeUndefined();
    expect(repoDigestOf(`127.0.0.1:5000/app@${D2}`, rds)).toBe(D2);
  });

  it('pins a tag to a digest', () => {
    expect(pinnedReference('127.0.0.1:5000/app:latest', D1)).toBe(`127.0.0.1:5000/app@${D1}`);
  });
});
