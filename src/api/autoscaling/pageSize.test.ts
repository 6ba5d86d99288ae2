import { describe, expect, it } from 'vitest';
import { pageSize } from './pageSize.js';

describe('Application Auto Scaling page sizes', () => {
  it('default to the maximum and refuse anything outside 1..max', () => {
    expect(pageSize(undefined, 50)).toBe(50);
    expect(pageSize(1, 10)).toBe(1);
    expect(() => pageSize(-1, 50)).toThrow("Value '-1' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1");
    expect(() => pageSize(0, 50)).toThrow(expect.objectContaining({ code: 'ValidationException' }));
    expect(() => pageSize(11, 10)).toThrow('less than or equal to 10');
  });
});
