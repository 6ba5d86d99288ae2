import { describe, expect, it } from 'vitest';
import { jsonDiff, lineDiff } from './jsonDiff';

describe('the JSON diff', () => {
  it('marks removed and added lines and keeps the common ones', () => {
    expect(lineDiff('a\nb\nc', 'a\nx\nc\nd')).toEqual([
      { kind: ' ', text: 'a' },
      { kind: '-', text: 'b' },
      { kind: '+', text: 'x' },
      { kind: ' ', text: 'c' },
      { kind: '+', text: 'd' },
    ]);
  });

  it('ignores key order, and shows a changed value as one line out and one in', () => {
    const d = jsonDiff({ b: 1, a: { image: 'x:1' } }, { a: { image: 'x:2' }, b: 1 });
    expect(d.filter((l) => l.kind !== ' ')).toEqual([
      { kind: '-', text: '    "image": "x:1"' },
      { kind: '+', text: '    "image": "x:2"' },
    ]);
  });
});
