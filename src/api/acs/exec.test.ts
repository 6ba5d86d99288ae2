import { describe, expect, it } from 'vitest';
import { splitCommand } from './exec.js';

describe('ExecuteCommand command words', () => {
  it('splits on whitespace and keeps quoted groups whole', () => {
    expect(splitCommand('/bin/sh')).toEqual(['/bin/sh']);
    expect(splitCommand(`sh -c "echo a  b; exit 3"`)).toEqual(['sh', '-c', 'echo a  b; exit 3']);
    expect(splitCommand(`  ls   -l '' `)).toEqual(['ls', '-l', '']);
  });
});
