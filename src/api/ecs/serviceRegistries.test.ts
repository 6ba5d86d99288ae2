import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { DiscoveryTables, ServiceRecord } from '../../discovery/tables.js';
import { checkServiceRegistries } from './serviceRegistries.js';

const ARN_A = 'arn:aws:servicediscovery:us-east-1:000000000000:service/srv-aaaaaaaaaaaaaaaa';
const ARN_SRV = 'arn:aws:servicediscovery:us-east-1:000000000000:service/srv-ssssssssssssssss';
const svc = (id: string, types: ('A' | 'SRV')[]) => ({ id, dns: { routingPolicy: 'MULTIVALUE', records: types.map((type) => ({ type, ttl: 10 })) } }) as ServiceRecord;
const discovery = {
  services: { get: (id: string) => ({ srv_a: undefined, 'srv-aaaaaaaaaaaaaaaa': { value: svc(id, ['A']) }, 'srv-ssssssssssssssss': { value: svc(id, ['SRV']) } })[id] },
} as unknown as DiscoveryTables;
const td = (networkMode: 'awsvpc' | 'bridge' | 'host'): TaskDefinition => ({
  networkMode,
  containerDefinitions: [{ name: 'web', portMappings: [{ containerPort: 80 }] }],
});
const check = (regs: object[], mode: 'awsvpc' | 'bridge' | 'host' = 'awsvpc') => () => checkServiceRegistries(regs, td(mode), discovery);

describe('serviceRegistries as ECS checks them', () => {
  it('accepts awsvpc with A records and nothing else, and SRV with a port or the container pair', () => {
    expect(check([{ registryArn: ARN_A }])).not.toThrow();
    expect(check([{ registryArn: ARN_SRV, port: 80 }])).not.toThrow();
    expect(check([{ registryArn: ARN_SRV, containerName: 'web', containerPort: 80 }])).not.toThrow();
    expect(check([{ registryArn: ARN_SRV, containerName: 'web', containerPort: 80 }], 'bridge')).not.toThrow();
  });

  it('refuses what ECS refuses', () => {
    expect(check([{ registryArn: ARN_A }, { registryArn: ARN_SRV }])).toThrow(/one service registry/);
    expect(check([{ registryArn: 'arn:aws:ecs:us-east-1:000000000000:service/x' }])).toThrow(/is not valid/);
    expect(check([{ registryArn: ARN_A.replace(/a+$/, 'bbbbbbbbbbbbbbbb') }])).toThrow(/does not exist/);
    expect(check([{ registryArn: ARN_SRV }])).toThrow(/SRV record/);
    expect(check([{ registryArn: ARN_SRV, containerName: 'web' }])).toThrow(/together/);
    expect(check([{ registryArn: ARN_SRV, containerName: 'web', containerPort: 80, port: 80 }])).toThrow(/not both/);
    expect(check([{ registryArn: ARN_SRV, containerName: 'api', containerPort: 80 }])).toThrow('The container api does not exist in the task definition.');
    expect(check([{ registryArn: ARN_SRV, containerName: 'web', containerPort: 81 }])).toThrow('The container web did not have a container port 81 defined.');
    expect(check([{ registryArn: ARN_SRV }], 'bridge')).toThrow(/bridge network mode.*containerName and containerPort/);
    expect(check([{ registryArn: ARN_A, containerName: 'web', containerPort: 80 }], 'host')).toThrow(/host network mode.*SRV record/);
  });
});
