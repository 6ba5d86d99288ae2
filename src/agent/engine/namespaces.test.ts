import { describe, expect, it } from 'vitest';
import type { AgentTask } from '../protocol.js';
import { ephemeralStorageRefusal, storageOpt } from './ephemeralStorage.js';
import { containerNamespaces, needsPause, pauseNamespaces } from './namespaces.js';

const task = (t: Partial<AgentTask>): AgentTask => ({
  taskArn: 'arn', clusterArn: 'c', family: 'f', revision: 1, desiredStatus: 'RUNNING', launchType: 'EC2', networkMode: 'bridge', volumes: [], containers: [], ...t,
});

describe('PID and IPC namespaces', () => {
  it('gives a task a pause container to own the namespaces it shares', () => {
    expect(needsPause(task({}))).toBe(false);
    expect(needsPause(task({ pidMode: 'host', ipcMode: 'host' }))).toBe(false);
    expect(needsPause(task({ pidMode: 'task' }))).toBe(true);
    expect(needsPause(task({ ipcMode: 'task' }))).toBe(true);
    expect(needsPause(task({ networkMode: 'awsvpc' }))).toBe(true);
  });

  it('joins the pause container for task, the host for host', () => {
    expect(containerNamespaces(task({ pidMode: 'task', ipcMode: 'task' }), 'p')).toEqual({ PidMode: 'container:p', IpcMode: 'container:p' });
    expect(containerNamespaces(task({ pidMode: 'host', ipcMode: 'none' }), undefined)).toEqual({ PidMode: 'host', IpcMode: 'none' });
    expect(containerNamespaces(task({}), 'p')).toEqual({});
    expect(pauseNamespaces(task({ ipcMode: 'task' }))).toEqual({ IpcMode: 'shareable' });
  });
});

describe('ephemeral storage', () => {
  it('sizes containers where the storage driver can, and says why not where it cannot', () => {
    const t = task({ ephemeralStorageGiB: 30 });
    expect(storageOpt(t)).toEqual({ size: '30G' });
    expect(ephemeralStorageRefusal(t, { storageDriver: 'overlay2', backingFilesystem: 'xfs' })).toBeUndefined();
    expect(ephemeralStorageRefusal(t, { storageDriver: 'btrfs' })).toBeUndefined();
    expect(ephemeralStorageRefusal(t, { storageDriver: 'overlay2', backingFilesystem: 'extfs' })).toMatch(/^CannotCreateContainerError: ephemeralStorage of 30 GiB cannot be applied: Docker's storage driver overlay2 on extfs/);
    expect(ephemeralStorageRefusal(task({}), { storageDriver: 'overlay2', backingFilesystem: 'extfs' })).toBeUndefined();
    expect(storageOpt(task({}))).toBeUndefined();
  });
});
