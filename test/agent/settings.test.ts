// Container settings applied for real, and volumes: host binds, task-scoped and shared Docker volumes, volumesFrom.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { taskCgroupsFor } from '../../src/agent/cgroups/taskCgroup.js';
import { ensureBusybox } from '../support/images.js';
import { makeTask } from '../support/tasks.js';
import { cleanupAll, newEngine, runtime } from './setup.js';

const docker = (runtime as DockerRuntime).docker;

beforeAll(() => ensureBusybox(runtime), 120_000);
afterAll(cleanupAll);

describe('container settings', () => {
  it('applies environment, env files, user, workdir, hostname, extra hosts, limits, ulimits, labels and linux parameters', async () => {
    const h = await newEngine();
    const dir = mkdtempSync(join(tmpdir(), 'wharf-agent-'));
    writeFileSync(join(dir, 'app.env'), '# comment\nFROM_FILE=yes\nOVERRIDDEN=file\n');
    const task = makeTask([
      {
        name: 'c',
        command: ['sh', '-c', 'echo "env $FROM_FILE $OVERRIDDEN"; echo "uid $(id -u)"; echo "pwd $(pwd)"; echo "host $(hostname)"; grep -q "127.9.2.3.db.example" /etc/hosts && echo hosts-ok; echo "nofile $(ulimit -n)"; touch /ro 2>/dev/null || echo ro-ok; df /scratch | tail -1 | grep -q tmpfs && echo tmpfs-ok; sleep 300'],
        environment: [{ name: 'OVERRIDDEN', value: 'env' }],
        environmentFiles: [{ value: join(dir, 'app.env'), type: 's3' }],
        user: '1234',
        workingDirectory: '/tmp',
        hostname: 'wharf-box',
        extraHosts: [{ hostname: 'db.example', ipAddress: '127.9.2.3' }],
        ulimits: [{ name: 'nofile', softLimit: 1111, hardLimit: 2222 }],
        readonlyRootFilesystem: true,
        cpu: 256,
        memory: 64,
        memoryReservation: 32,
        dockerLabels: { team: 'wharf' },
        linuxParameters: { initProcessEnabled: true, capabilities: { drop: ['NET_RAW'] }, tmpfs: [{ containerPath: '/scratch', size: 16 }, { containerPath: '/tmp', size: 4 }], sharedMemorySize: 8 },
      },
    ]);
    h.engine.apply([task]);
    await expect.poll(() => h.logs.messages(task.taskArn, 'c'), { timeout: 20_000 }).toEqual(
      expect.arrayContaining(['env yes env', 'uid 1234', 'pwd /tmp', 'host wharf-box', 'hosts-ok', 'nofile 1111', 'ro-ok', 'tmpfs-ok']),
    );
    const info = await docker.getContainer(h.engine.task(task.taskArn)!.containers[0]!.runtimeId!).inspect();
    expect(info.HostConfig).toMatchObject({ CpuShares: 256, Memory: 64 * 1024 * 1024, MemoryReservation: 32 * 1024 * 1024, Init: true, CapDrop: ['NET_RAW'], ShmSize: 8 * 1024 * 1024 });
    expect(info.Config.Labels).toMatchObject({ team: 'wharf', 'com.amazonaws.ecs.container-name': 'c', 'com.amazonaws.ecs.task-definition-version': '1' });
  });

  it('applies task-level cpu and memory as limits on the task as a whole', async () => {
    const cgroups = taskCgroupsFor(await runtime.version());
    if (typeof cgroups === 'string') throw new Error(`task cgroups are not available on this host: ${cgroups}`);
    const h = await newEngine({ cgroups });
    // Each container holds 40 MiB (dd's buffer, blocked writing to a fifo nobody reads): either fits the task's
    // 64 MiB alone, both do not.
    const hold = ['sh', '-c', 'mkfifo /f && (sleep 600 < /f &) && exec dd if=/dev/zero of=/f bs=40M count=1'];
    const roomy = makeTask([{ name: 'a', command: hold }, { name: 'b', command: hold }], { cpu: '512', memory: '128' });
    const tight = makeTask([{ name: 'a', command: hold }, { name: 'b', command: hold }], { cpu: '512', memory: '64' });
    h.engine.apply([roomy, tight]);
    await expect.poll(() => h.reporter.lastTask(tight.taskArn)?.status, { timeout: 30_000 }).toBe('STOPPED');
    const exits = h.reporter.lastTask(tight.taskArn)!.containers.map((c) => c.exitCode);
    expect(exits).toContain(137);
    await expect.poll(() => h.reporter.lastTask(roomy.taskArn)?.status, { timeout: 30_000 }).toBe('RUNNING');

    const info = await docker.getContainer(h.engine.task(roomy.taskArn)!.containers[0]!.runtimeId!).inspect();
    const roomyId = roomy.taskArn.split('/').pop();
    expect(info.HostConfig).toMatchObject({ NanoCpus: 500_000_000, Memory: 128 * 1024 * 1024, CgroupParent: `/wharf/${roomyId}` });
    const v1 = (await runtime.version()).cgroupVersion !== '2';
    const limit = v1 ? `/sys/fs/cgroup/memory/wharf/${roomyId}/memory.limit_in_bytes` : `/sys/fs/cgroup/wharf/${roomyId}/memory.max`;
    expect(readFileSync(limit, 'utf8').trim()).toBe(String(128 * 1024 * 1024));
    const cpu = v1 ? `/sys/fs/cgroup/cpu/wharf/${roomyId}/cpu.cfs_quota_us` : `/sys/fs/cgroup/wharf/${roomyId}/cpu.max`;
    expect(readFileSync(cpu, 'utf8').trim()).toBe(v1 ? '50000' : '50000 100000');

    for (const t of [roomy, tight]) {
      for (const c of h.engine.task(t.taskArn)!.containers) if (c.runtimeId) await runtime.remove(c.runtimeId);
      await cgroups.remove(t.taskArn.split('/').pop()!);
    }
    expect(existsSync(limit)).toBe(false);
  });
});

describe('volumes', () => {
  it('mounts host paths, task and shared Docker volumes, and volumesFrom', async () => {
    const h = await newEngine({ cleanupWaitMs: 300 });
    const host = mkdtempSync(join(tmpdir(), 'wharf-vol-'));
    const task = makeTask(
      [
        { name: 'writer', essential: false, command: ['sh', '-c', 'echo hi > /host/out; echo task > /scratch/t; echo shared > /shared/s'],
          mountPoints: [{ sourceVolume: 'hostdir', containerPath: '/host' }, { sourceVolume: 'scratch', containerPath: '/scratch' }, { sourceVolume: 'shared', containerPath: '/shared' }] },
        { name: 'reader', command: ['sh', '-c', 'cat /scratch/t /shared/s; sleep 300'], volumesFrom: [{ sourceContainer: 'writer', readOnly: true }],
          dependsOn: [{ containerName: 'writer', condition: 'SUCCESS' }] },
      ],
      {
        volumes: [
          { name: 'hostdir', host: { sourcePath: host } },
          { name: 'scratch', dockerVolumeConfiguration: { scope: 'task' } },
          { name: 'shared', dockerVolumeConfiguration: { scope: 'shared', autoprovision: true } },
        ],
      },
    );
    h.engine.apply([task]);
    await expect.poll(() => h.logs.messages(task.taskArn, 'reader'), { timeout: 20_000 }).toEqual(['task', 'shared']);
    expect(readFileSync(join(host, 'out'), 'utf8')).toBe('hi\n');
    const taskVolume = 'ecs-agent-test-1-' + task.taskArn.split('/').at(-1) + '-scratch';
    expect(await runtime.volumeExists(taskVolume)).toBe(true);
    h.engine.apply([{ ...task, desiredStatus: 'STOPPED' }]);
    // Task volumes go with the task's clean-up; shared ones stay.
    await expect.poll(() => runtime.volumeExists(taskVolume), { timeout: 20_000 }).toBe(false);
    expect(await runtime.volumeExists('shared')).toBe(true);
    await runtime.removeVolume('shared');
  });

  it('refuses a shared volume that does not exist without autoprovision', async () => {
    const h = await newEngine();
    const task = makeTask([{ name: 'c', command: ['true'], mountPoints: [{ sourceVolume: 'v', containerPath: '/v' }] }], {
      volumes: [{ name: 'v', dockerVolumeConfiguration: { scope: 'shared', autoprovision: false } }],
    });
    h.engine.apply([task]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 20_000 }).toBe('STOPPED');
    expect(h.reporter.lastTask(task.taskArn)!.reason).toMatch(/shared volume v does not exist/);
  });
});
