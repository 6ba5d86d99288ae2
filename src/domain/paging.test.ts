import { describe, expect, it } from 'vitest';
import { pageOf, paginate } from './paging.js';

/** Every page, following nextToken, as a client walks them. */
function walk(page: (token?: string) => { items: string[]; nextToken?: string }): string[][] {
  const pages: string[][] = [];
  let token: string | undefined;
  do {
    const p = page(token);
    pages.push(p.items);
    token = p.nextToken;
  } while (token);
  return pages;
}

describe('pageOf', () => {
  it('gives the pages paginate gives over the sorted list, from items in any order', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const n of [0, 1, 5, 99, 100, 101, 250]) {
      const items = Array.from({ length: n }, (_, i) => `arn:aws:ecs:us-east-1:000000000000:task/c/${Math.floor(rand() * 1e9).toString(16)}-${i}`);
      const sorted = [...items].sort();
      for (const maxResults of [1, 7, 100]) {
        const id = (s: string) => s;
        expect(walk((nextToken) => pageOf(items, id, { maxResults, nextToken }))).toEqual(walk((nextToken) => paginate(sorted, id, { maxResults, nextToken })));
      }
    }
  });

  it('refuses maxResults out of range and a token it did not make, as paginate does', () => {
    expect(() => pageOf(['a'], (s) => s, { maxResults: 0 })).toThrow('maxResults must be between 1 and 100.');
    expect(() => pageOf(['a'], (s) => s, { maxResults: 101 })).toThrow('maxResults must be between 1 and 100.');
    expect(() => pageOf(['a'], (s) => s, { nextToken: 'not-a-token' })).toThrow('Invalid nextToken.');
  });

  it('walks 6,000 items page by page, each once, in order', () => {
    const items = Array.from({ length: 6000 }, (_, i) => `arn:aws:ecs:us-east-1:000000000000:task/bench/${((i * 2654435761) % 2 ** 32).toString(16).padStart(8, '0')}${i}`);
    const pages = walk((nextToken) => pageOf(items, (s) => s, { nextToken }));
    expect(pages).toHaveLength(60);
    expect(pages.flat()).toEqual([...items].sort());
  });
});
