// EFS under `wharf up`, driven with the `aws efs` CLI: file systems, mount targets, access points, policies and tags
// with EFS's rules and errors; then two tasks of a service sharing one file system through an access point whose
// POSIX user owns what they write, on real Docker; and the task definitions and RunTask calls ECS refuses.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeTasksCommand, ListTasksCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp();

const fails = async (args: string[]) => {
  const r = await up.wharf.awsRaw(args);
  expect(r.code, r.stdout).not.toBe(0);
  return r.stderr;
};

describe('EFS', () => {
  let fsId = '';
  let apId = '';

  it('creates, describes and updates file systems, with creation token idempotency', async () => {
    const fs = await up.wharf.aws(
      'efs', 'create-file-system', '--creation-token', 'db-data', '--encrypted', '--performance-mode', 'generalPurpose',
      '--throughput-mode', 'bursting', '--tags', 'Key=Name,Value=db',
    );
    fsId = fs.FileSystemId;
    expect(fsId).toMatch(/^fs-[0-9a-f]{17}$/);
    expect(fs).toMatchObject({ CreationToken: 'db-data', Encrypted: true, PerformanceMode: 'generalPurpose', ThroughputMode: 'bursting', Name: 'db', LifeCycleState: 'available', NumberOfMountTargets: 0 });
    expect(fs.FileSystemArn).toBe(`arn:aws:elasticfilesystem:us-east-1:000000000000:file-system/${fsId}`);

    // The same creation token names the file system it made.
    const again = await fails(['efs', 'create-file-system', '--creation-token', 'db-data']);
    expect(again).toContain('FileSystemAlreadyExists');
    expect(again).toContain(fsId);

    const byToken = await up.wharf.aws('efs', 'describe-file-systems', '--creation-token', 'db-data');
    expect(byToken.FileSystems.map((f: { FileSystemId: string }) => f.FileSystemId)).toEqual([fsId]);
    expect(await fails(['efs', 'describe-file-systems', '--file-system-id', 'fs-0123456789abcdef0'])).toContain('FileSystemNotFound');

    const updated = await up.wharf.aws('efs', 'update-file-system', '--file-system-id', fsId, '--throughput-mode', 'provisioned', '--provisioned-throughput-in-mibps', '64');
    expect(updated).toMatchObject({ ThroughputMode: 'provisioned', ProvisionedThroughputInMibps: 64 });
    expect(await fails(['efs', 'update-file-system', '--file-system-id', fsId, '--throughput-mode', 'bursting', '--provisioned-throughput-in-mibps', '8'])).toContain('BadRequest');

    await up.wharf.aws('efs', 'put-lifecycle-configuration', '--file-system-id', fsId, '--lifecycle-policies', 'TransitionToIA=AFTER_30_DAYS');
    expect((await up.wharf.aws('efs', 'describe-lifecycle-configuration', '--file-system-id', fsId)).LifecyclePolicies).toEqual([{ TransitionToIA: 'AFTER_30_DAYS' }]);
    await up.wharf.aws('efs', 'put-backup-policy', '--file-system-id', fsId, '--backup-policy', 'Status=ENABLED');
    expect((await up.wharf.aws('efs', 'describe-backup-policy', '--file-system-id', fsId)).BackupPolicy).toEqual({ Status: 'ENABLED' });

    await up.wharf.aws('efs', 'tag-resource', '--resource-id', fsId, '--tags', 'Key=team,Value=data');
    await up.wharf.aws('efs', 'untag-resource', '--resource-id', fsId, '--tag-keys', 'Name');
    expect((await up.wharf.aws('efs', 'list-tags-for-resource', '--resource-id', fsId)).Tags).toEqual([{ Key: 'team', Value: 'data' }]);
  }, 180_000);

  it('keeps mount targets and access points, and refuses to delete a file system in use', async () => {
    const mt = await up.wharf.aws('efs', 'create-mount-target', '--file-system-id', fsId, '--subnet-id', 'subnet-0a1b2c3d4e5f60001');
    expect(mt).toMatchObject({ FileSystemId: fsId, SubnetId: 'subnet-0a1b2c3d4e5f60001', LifeCycleState: 'available' });
    expect(await fails(['efs', 'create-mount-target', '--file-system-id', fsId, '--subnet-id', 'subnet-0a1b2c3d4e5f60001'])).toContain('MountTargetConflict');
    expect((await up.wharf.aws('efs', 'describe-mount-targets', '--file-system-id', fsId)).MountTargets).toHaveLength(1);

    const ap = await up.wharf.aws(
      'efs', 'create-access-point', '--file-system-id', fsId, '--client-token', 'db-ap',
      '--posix-user', JSON.stringify({ Uid: 4321, Gid: 4321, SecondaryGids: [100] }),
      '--root-directory', 'Path=/pg/data,CreationInfo={OwnerUid=4321,OwnerGid=4321,Permissions=750}',
    );
    apId = ap.AccessPointId;
    expect(apId).toMatch(/^fsap-[0-9a-f]{17}$/);
    expect(ap).toMatchObject({
      FileSystemId: fsId, PosixUser: { Uid: 4321, Gid: 4321, SecondaryGids: [100] },
      RootDirectory: { Path: '/pg/data', CreationInfo: { OwnerUid: 4321, OwnerGid: 4321, Permissions: '750' } },
    });
    expect((await up.wharf.aws('efs', 'describe-access-points', '--file-system-id', fsId)).AccessPoints.map((a: { AccessPointId: string }) => a.AccessPointId)).toEqual([apId]);

    const inUse = await fails(['efs', 'delete-file-system', '--file-system-id', fsId]);
    expect(inUse).toContain('FileSystemInUse');
    await up.wharf.aws('efs', 'delete-mount-target', '--mount-target-id', mt.MountTargetId);
    expect(await fails(['efs', 'delete-file-system', '--file-system-id', fsId])).toContain('FileSystemInUse');
    expect((await up.wharf.aws('efs', 'describe-file-systems', '--file-system-id', fsId)).FileSystems).toHaveLength(1);
  }, 120_000);

  it('refuses EFS volumes ECS refuses, and a file system that does not exist', async () => {
    const td = (volume: object) => JSON.stringify({
      family: 'efs-bad',
      containerDefinitions: [{ name: 'c', image: BUSYBOX, memory: 16, mountPoints: [{ sourceVolume: 'v', containerPath: '/m' }] }],
      volumes: [{ name: 'v', ...volume }],
    });
    const register = (volume: object) => fails(['ecs', 'register-task-definition', '--cli-input-json', td(volume)]);
    expect(await register({ host: { sourcePath: '/tmp' }, efsVolumeConfiguration: { fileSystemId: fsId } })).toContain(
      'ClientException) when calling the RegisterTaskDefinition operation: When the volume parameter is specified, only one volume configuration type should be used.',
    );
    expect(await register({ efsVolumeConfiguration: { fileSystemId: fsId, transitEncryptionPort: 2049 } })).toContain(
      'Transit encryption port can only be specified when transit encryption is enabled.',
    );
    expect(await register({ efsVolumeConfiguration: { fileSystemId: fsId, transitEncryption: 'ENABLED', rootDirectory: '/x', authorizationConfig: { accessPointId: apId } } })).toContain(
      'When using an EFS access point, the root directory must either be set to "/" or be omitted.',
    );
    const families = await up.wharf.aws('ecs', 'list-task-definition-families', '--family-prefix', 'efs-bad');
    expect(families.families).toEqual([]);

    const ghost = await up.wharf.aws('ecs', 'register-task-definition', '--cli-input-json', td({ efsVolumeConfiguration: { fileSystemId: 'fs-0123456789abcdef0' } }));
    const refused = await fails(['ecs', 'run-task', '--task-definition', ghost.taskDefinition.taskDefinitionArn]);
    expect(refused).toContain('ClientException');
    expect(refused).toContain('the EFS file system fs-0123456789abcdef0 does not exist');
  }, 120_000);

  it('lets two tasks of a service write and read one file system through an access point that owns their files', async () => {
    const td = await up.wharf.aws('ecs', 'register-task-definition', '--cli-input-json', JSON.stringify({
      family: 'efs-shared',
      containerDefinitions: [{
        name: 'app', image: BUSYBOX, memory: 32, stopTimeout: 1,
        // Each task writes its own file, then keeps listing what every task wrote and who it runs as.
        command: ['sh', '-c', 'id -u > /data/$HOSTNAME && while true; do ls /data > /data/$HOSTNAME.seen.tmp && mv /data/$HOSTNAME.seen.tmp /data/$HOSTNAME.seen; sleep 0.3; done'],
        mountPoints: [{ sourceVolume: 'shared', containerPath: '/data' }],
      }],
      volumes: [{ name: 'shared', efsVolumeConfiguration: { fileSystemId: fsId, transitEncryption: 'ENABLED', authorizationConfig: { accessPointId: apId, iam: 'ENABLED' } } }],
    }));
    expect(td.taskDefinition.requiresAttributes).toContainEqual({ name: 'ecs.capability.efsAuth' });
    await up.wharf.aws('ecs', 'create-service', '--service-name', 'efs-shared', '--task-definition', td.taskDefinition.taskDefinitionArn, '--desired-count', '2');

    const dir = join(up.wharf.dataDir, 'efs', fsId, 'pg', 'data');
    await expect.poll(async () => {
      const arns = (await up.ecs.send(new ListTasksCommand({ serviceName: 'efs-shared' }))).taskArns ?? [];
      if (arns.length < 2) return 0;
      const tasks = (await up.ecs.send(new DescribeTasksCommand({ tasks: arns }))).tasks!;
      return tasks.filter((t) => t.lastStatus === 'RUNNING').length;
    }, { timeout: 60_000, interval: 300 }).toBe(2);

    // The access point's root was created as its CreationInfo says.
    const root = statSync(dir);
    expect([root.uid, root.gid, root.mode & 0o777]).toEqual([4321, 4321, 0o750]);

    // Each task sees the other's file: one volume, shared.
    await expect.poll(() => {
      const names = readdirSync(dir).filter((f) => !f.includes('.'));
      if (names.length !== 2) return false;
      return names.every((n) => {
        try {
          const seen = readdirSync(dir).includes(`${n}.seen`) ? readFileSync(join(dir, `${n}.seen`), 'utf8') : '';
          return names.every((other) => seen.split('\n').includes(other));
        } catch {
          return false;
        }
      });
    }, { timeout: 30_000, interval: 300 }).toBe(true);

    // Every file belongs to the access point's POSIX user, which is who the containers run as.
    for (const f of readdirSync(dir).filter((n) => !n.includes('.'))) {
      const st = statSync(join(dir, f));
      expect([st.uid, st.gid]).toEqual([4321, 4321]);
      expect(readFileSync(join(dir, f), 'utf8').trim()).toBe('4321');
    }

    await up.wharf.aws('ecs', 'delete-service', '--service', 'efs-shared', '--force');
  }, 180_000);
});
