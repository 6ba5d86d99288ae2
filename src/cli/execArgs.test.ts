import { describe, expect, it } from 'vitest';
import { execArgs } from './execArgs.js';

describe('wharf exec options without commander', () => {
  it('reads the task and the options, in either form', () => {
    expect(execArgs(['t1', '--command', 'sh -c "exit 3"', '--container=app', '--interactive', '--endpoint-url', 'http://127.0.0.1:9'], {})).toEqual({
      task: 't1',
      flags: { cluster: 'default', container: 'app', command: 'sh -c "exit 3"', interactive: true, endpoint: 'http://127.0.0.1:9', region: 'us-east-1' },
    });
    expect(execArgs(['t1'], { AWS_ENDPOINT_URL: 'http://127.0.0.1:8', AWS_DEFAULT_REGION: 'eu-west-1' })?.flags).toMatchObject({ endpoint: 'http://127.0.0.1:8', region: 'eu-west-1', command: '/bin/sh' });
  });

  it('leaves anything unusual to commander', () => {
    expect(execArgs(['--help'], {})).toBeUndefined();
    expect(execArgs(['t1', '--nope'], {})).toBeUndefined();
    expect(execArgs(['t1', '--command'], {})).toBeUndefined();
    expect(execArgs(['t1', 't2'], {})).toBeUndefined();
    expect(execArgs([], {})).toBeUndefined();
  });
});
