import { describe, expect, it } from 'vitest';
import { match, queryParam } from './router';

describe('the hash router', () => {
  it('matches patterns and decodes their parameters', () => {
    expect(match('/clusters/:cluster/services/:service', '/clusters/demo%20x/services/web')).toEqual({ cluster: 'demo x', service: 'web' });
    expect(match('/clusters/:cluster', '/clusters/demo?tab=tasks')).toEqual({ cluster: 'demo' });
    expect(match('/clusters/:cluster', '/clusters/demo/tasks/1')).toBeUndefined();
    expect(match('/task-definitions', '/clusters')).toBeUndefined();
  });

  it('reads query parameters after the path', () => {
    expect(queryParam('/clusters/demo?tab=tasks', 'tab')).toBe('tasks');
    expect(queryParam('/clusters/demo', 'tab')).toBeUndefined();
  });
});
