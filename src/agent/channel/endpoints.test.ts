import { describe, expect, it } from 'vitest';
import { Endpoints } from './endpoints.js';

describe('Endpoints', () => {
  it('moves to the next replica when the current one fails, once per failure, round the list', async () => {
    const e = new Endpoints('http://127.0.0.1:1, http://127.0.0.1:2,http://127.0.0.1:3/');
    expect(e.urls).toEqual(['http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3/']);
    expect(await e.provider()).toEqual({ protocol: 'http:', hostname: '127.0.0.1', port: 1, path: '/' });
    e.failed('http://127.0.0.1:1');
    // A second caller reporting the same failure does not skip a replica.
    e.failed('http://127.0.0.1:1');
    expect(e.current).toBe('http://127.0.0.1:2');
    e.failed('http://127.0.0.1:2');
    e.failed('http://127.0.0.1:3/');
    expect(e.current).toBe('http://127.0.0.1:1');
  });

  it('keeps a single endpoint, and refuses an empty list or a bad URL', () => {
    const one = new Endpoints('http://127.0.0.1:4510');
    one.failed('http://127.0.0.1:4510');
    expect(one.current).toBe('http://127.0.0.1:4510');
    expect(() => new Endpoints(' , ')).toThrow(/names no control plane URL/);
    expect(() => new Endpoints('not a url')).toThrow();
  });
});
