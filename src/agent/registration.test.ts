// Host facts for RegisterContainerInstance, without a control plane.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capabilityAttributes, hostResources, loadIdentity, saveIdentity } from './registration.js';

describe('registration facts', () => {
  it('offers 1024 CPU units per core and memory less the reserve', () => {
    const r = hostResources(2, 4096 * 1024 * 1024);
    expect(r.find((x) => x.name === 'CPU')!.integerValue).toBe(2048);
    expect(r.find((x) => x.name === 'MEMORY')!.integerValue).toBe(4096 - 256);
    expect(r.find((x) => x.name === 'PORTS')!.stringSetValue).toEqual(['22', '2375', '2376', '51678', '51679']);
  });

  it('keeps one identity per state directory', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'wharf-id-')), 'state');
    const a = loadIdentity(dir);
    expect(a.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
    saveIdentity(dir, { ...a, containerInstanceArn: 'arn:x' });
    expect(loadIdentity(dir)).toEqual({ instanceId: a.instanceId, containerInstanceArn: 'arn:x' });
  });

  it('lists the capabilities and the publish address', () => {
    const attrs = capabilityAttributes('1.41', '127.0.0.1', { zone: 'a' });
    expect(attrs).toContainEqual({ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.41' });
    expect(attrs).toContainEqual({ name: 'ecs.capability.task-eni' });
    expect(attrs).toContainEqual({ name: 'wharf.publish-address', value: '127.0.0.1' });
    expect(attrs).toContainEqual({ name: 'zone', value: 'a' });
  });

  it('advertises what the agent honours and nothing else', () => {
    const names = capabilityAttributes('1.41', '127.0.0.1', {}, false, ['json-file', 'syslog', 'gcplogs', 'awslogs']).map((a) => a.name);
    const drivers = names.filter((n) => n.includes('logging-driver.')).map((n) => n.split('.').pop());
    // The engine's drivers a task definition may name, plus awslogs, which is Wharf's own shipping.
    expect(drivers.sort()).toEqual(['awslogs', 'json-file', 'none', 'syslog']);
    expect(names).toContain('ecs.capability.container-restart-policy');
    expect(names).toContain('ecs.capability.pid-ipc-namespace-sharing');
    expect(names).toContain('ecs.capability.execution-role-awslogs');
    expect(names).toContain('ecs.capability.efs');
    expect(names).toContain('com.amazonaws.ecs.capability.task-iam-role');
    expect(names).toContain('ecs.capability.secrets.asm.environment-variables');
    expect(names).toContain('ecs.capability.container-port-range');
    expect(names).not.toContain('com.amazonaws.ecs.capability.privileged-container');
  });
});
