import { describe, expect, it } from 'vitest';
import { publishedPorts, withRanges } from './portRanges.js';

const d = { name: 'web', portMappings: [{ containerPort: 80 }, { containerPortRange: '8000-8002' }] };

describe('containerPortRange on the agent', () => {
  it('publishes every port of a range on the scheduler\'s host ports', () => {
    const hostPorts = [{ containerPort: 80, hostPort: 49200, protocol: 'tcp' as const }, ...[0, 1, 2].map((i) => ({ containerPort: 8000 + i, hostPort: 49153 + i, protocol: 'tcp' as const }))];
    expect(publishedPorts(d, hostPorts).map((p) => `${p.containerPort}:${p.hostPort}`)).toEqual(['80:49200', '8000:49153', '8001:49154', '8002:49155']);
    expect(publishedPorts(d, [], true).map((p) => p.hostPort)).toEqual([80, 8000, 8001, 8002]);
  });

  it('reports a range as one binding when its host ports run in order, else port by port', () => {
    const b = (c: number, h: number) => ({ bindIP: '127.0.0.1', containerPort: c, hostPort: h, protocol: 'tcp' as const });
    expect(withRanges([b(80, 49200), b(8000, 49153), b(8001, 49154), b(8002, 49155)], d)).toEqual([
      b(80, 49200),
      { bindIP: '127.0.0.1', protocol: 'tcp', containerPortRange: '8000-8002', hostPortRange: '49153-49155' },
    ]);
    const scattered = [b(8000, 49153), b(8001, 49160), b(8002, 49155)];
    expect(withRanges(scattered, d)).toEqual(scattered);
  });
});
