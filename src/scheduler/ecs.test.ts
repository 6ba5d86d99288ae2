import { describe, expect, it } from 'vitest';
import { instanceViewFromEcs } from './ecs.js';

describe('instanceViewFromEcs', () => {
  it('reads remaining resources, attributes and agent facts from a ContainerInstance', () => {
    const v = instanceViewFromEcs(
      {
        containerInstanceArn: 'arn:aws:ecs:us-east-1:1:container-instance/default/abc',
        ec2InstanceId: 'i-1',
        status: 'DRAINING',
        agentConnected: true,
        runningTasksCount: 2,
        registeredAt: new Date('2024-01-01T00:00:00Z'),
        versionInfo: { agentVersion: '1.80.0' },
        attributes: [{ name: 'ecs.availability-zone', value: 'us-east-1a' }, { name: 'ecs.capability.task-eni' }],
        remainingResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 1536 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 3000 },
          { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22', '2375', '8080'] },
          { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: ['53'] },
        ],
      },
      new Map([['service:web', 2]]),
    );
    expect(v).toMatchObject({
      arn: 'arn:aws:ecs:us-east-1:1:container-instance/default/abc',
      ec2InstanceId: 'i-1',
      status: 'DRAINING',
      agentVersion: '1.80.0',
      remainingCpu: 1536,
      remainingMemory: 3000,
      runningTasksCount: 2,
      registeredAt: Date.UTC(2024, 0, 1),
    });
    expect([...v.reservedTcpPorts]).toEqual([22, 2375, 8080]);
    expect([...v.reservedUdpPorts]).toEqual([53]);
    expect(v.attributes.has('ecs.capability.task-eni')).toBe(true);
    expect(v.attributes.get('ecs.availability-zone')).toBe('us-east-1a');
    expect(v.taskGroups.get('service:web')).toBe(2);
  });
});
