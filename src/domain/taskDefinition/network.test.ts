import { describe, expect, it } from 'vitest';
import { clientError, container, ec2Task, rejection } from './fixtures.js';

const twoContainers = (over: Parameters<typeof container>[0]) => [container({ name: 'db' }), container(over)];

describe('network mode settings', () => {
  it('accepts links in bridge mode (the default)', () => {
    expect(rejection(ec2Task({ containerDefinitions: twoContainers({ links: ['db'] }) }))).toBeUndefined();
  });

  it('refuses links in awsvpc mode', () => {
    expect(rejection(ec2Task({ networkMode: 'awsvpc', containerDefinitions: twoContainers({ links: ['db'] }) })))
      .toEqual(clientError('Links are not supported when networkMode=awsvpc.'));
  });

  it('refuses links in host mode', () => {
    expect(rejection(ec2Task({ networkMode: 'host', containerDefinitions: twoContainers({ links: ['db'] }) })))
      .toEqual(clientError('Links are not supported when networkMode=host.'));
  });

  it('refuses hostname in awsvpc mode', () => {
    expect(rejection(ec2Task({ networkMode: 'awsvpc', containerDefinitions: [container({ hostname: 'web' })] })))
      .toEqual(clientError('hostname is not supported on container when networkMode=awsvpc.'));
  });

  it('accepts hostname in bridge mode', () => {
    expect(rejection(ec2Task({ containerDefinitions: [container({ hostname: 'web' })] }))).toBeUndefined();
  });

  it('refuses disableNetworking in awsvpc mode', () => {
    expect(
      rejection(ec2Task({ networkMode: 'awsvpc', containerDefinitions: [container({ disableNetworking: true })] })),
    ).toEqual(clientError('Disable Networking is not supported on container when networkMode=awsvpc.'));
  });

  it('refuses extraHosts in awsvpc mode', () => {
    const c = container({ extraHosts: [{ hostname: 'db', ipAddress: '127.0.0.11' }] });
    expect(rejection(ec2Task({ networkMode: 'awsvpc', containerDefinitions: [c] }))).toEqual(
      clientError('Extra hosts are not supported on container when networkMode=awsvpc.'),
    );
  });
});
