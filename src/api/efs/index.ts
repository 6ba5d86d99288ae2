// The EFS API as the gateway serves it: REST-JSON under signing name `elasticfilesystem`, input checked against the
// service model (violations as BadRequest). Thin handlers: decode -> efs/ -> present.
import { loadModel } from '../../gateway/model/index.js';
import type { RequestContext, ServiceDefinition } from '../../gateway/service.js';
import { BadRequest, type Efs } from '../../efs/index.js';
import type { AccessPointRecord, EfsTag, FileSystemRecord, MountTargetRecord } from '../../efs/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type In = any;

export function efsService(efs: Efs): ServiceDefinition {
  return {
    signingName: 'elasticfilesystem',
    protocol: 'rest-json',
    model: loadModel('efs'),
    validationErrorCode: 'BadRequest',
    maxBodyBytes: 64 * 1024,
    operations: efsOperations(efs),
  };
}

const scope = (ctx: RequestContext) => ({ region: ctx.region });

function presentFileSystem(efs: Efs, fs: FileSystemRecord, now: Date) {
  return {
    OwnerId: fs.ownerId,
    CreationToken: fs.creationToken,
    FileSystemId: fs.id,
    FileSystemArn: fs.arn,
    CreationTime: fs.creationTime,
    LifeCycleState: 'available',
    Name: fs.tags.find((t) => t.Key === 'Name')?.Value,
    NumberOfMountTargets: efs.mountTargetsOf(fs.id).length,
    SizeInBytes: { Value: 6144, Timestamp: now, ValueInIA: 0, ValueInStandard: 6144, ValueInArchive: 0 },
    PerformanceMode: fs.performanceMode,
    Encrypted: fs.encrypted,
    KmsKeyId: fs.kmsKeyId,
    ThroughputMode: fs.throughputMode,
    ProvisionedThroughputInMibps: fs.provisionedThroughputInMibps,
    AvailabilityZoneName: fs.availabilityZoneName,
    AvailabilityZoneId: fs.availabilityZoneName ? `${fs.availabilityZoneName.slice(0, -1).replace(/-/g, '')}-az1` : undefined,
    Tags: fs.tags,
    FileSystemProtection: { ReplicationOverwriteProtection: 'ENABLED' },
  };
}

function presentMountTarget(mt: MountTargetRecord) {
  return {
    OwnerId: mt.ownerId,
    MountTargetId: mt.id,
    FileSystemId: mt.fileSystemId,
    SubnetId: mt.subnetId,
    LifeCycleState: 'available',
    IpAddress: mt.ipAddress,
    NetworkInterfaceId: mt.networkInterfaceId,
    AvailabilityZoneName: mt.availabilityZoneName,
    VpcId: 'vpc-wharf',
  };
}

function presentAccessPoint(ap: AccessPointRecord) {
  return {
    ClientToken: ap.clientToken,
    Name: ap.tags.find((t) => t.Key === 'Name')?.Value,
    Tags: ap.tags,
    AccessPointId: ap.id,
    AccessPointArn: ap.arn,
    FileSystemId: ap.fileSystemId,
    PosixUser: ap.posixUser,
    RootDirectory: ap.rootDirectory,
    OwnerId: ap.ownerId,
    LifeCycleState: 'available',
  };
}

/** One page of `items` after the position `marker` names (an index, as text), at most `max`. */
function page<T>(items: T[], marker: string | undefined, max: number | undefined) {
  const start = marker === undefined ? 0 : Number(marker);
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw new BadRequest('The pagination token is invalid.');
  const size = max ?? 100;
  const end = Math.min(items.length, start + size);
  return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
}

export function efsOperations(efs: Efs) {
  return {
    async CreateFileSystem(input: In, ctx: RequestContext) {
      return presentFileSystem(efs, await efs.createFileSystem(input, scope(ctx)), ctx.now);
    },

    DescribeFileSystems(input: In, ctx: RequestContext) {
      if (input.FileSystemId && input.CreationToken) {
        throw new BadRequest('Specify either FileSystemId or CreationToken, not both.');
      }
      let found = efs.fileSystems();
      if (input.FileSystemId) found = [efs.fileSystem(input.FileSystemId)];
      if (input.CreationToken) found = found.filter((f) => f.creationToken === input.CreationToken);
      const { items, next } = page(found, input.Marker, input.MaxItems);
      return { Marker: input.Marker, FileSystems: items.map((f) => presentFileSystem(efs, f, ctx.now)), NextMarker: next };
    },

    async UpdateFileSystem(input: In, ctx: RequestContext) {
      return presentFileSystem(efs, await efs.updateFileSystem(input), ctx.now);
    },

    async DeleteFileSystem(input: In) {
      await efs.deleteFileSystem(input.FileSystemId);
      return {};
    },

    async CreateMountTarget(input: In, ctx: RequestContext) {
      return presentMountTarget(await efs.createMountTarget(input, scope(ctx)));
    },

    DescribeMountTargets(input: In) {
      const given = [input.FileSystemId, input.MountTargetId, input.AccessPointId].filter((x) => x !== undefined).length;
      if (given !== 1) throw new BadRequest('Specify exactly one of FileSystemId, MountTargetId or AccessPointId.');
      let found: MountTargetRecord[];
      if (input.MountTargetId) found = [efs.mountTarget(input.MountTargetId)];
      else if (input.AccessPointId) found = efs.mountTargetsOf(efs.accessPoint(input.AccessPointId).fileSystemId);
      else found = efs.mountTargetsOf(efs.fileSystem(input.FileSystemId).id);
      const { items, next } = page(found, input.Marker, input.MaxItems);
      return { Marker: input.Marker, MountTargets: items.map(presentMountTarget), NextMarker: next };
    },

    async DeleteMountTarget(input: In) {
      await efs.deleteMountTarget(input.MountTargetId);
      return {};
    },

    DescribeMountTargetSecurityGroups(input: In) {
      return { SecurityGroups: efs.mountTarget(input.MountTargetId).securityGroups };
    },

    async CreateAccessPoint(input: In, ctx: RequestContext) {
      return presentAccessPoint(await efs.createAccessPoint(input, scope(ctx)));
    },

    DescribeAccessPoints(input: In) {
      if (input.AccessPointId && input.FileSystemId) throw new BadRequest('Specify either AccessPointId or FileSystemId, not both.');
      let found: AccessPointRecord[];
      if (input.AccessPointId) found = [efs.accessPoint(input.AccessPointId)];
      else if (input.FileSystemId) found = efs.accessPointsOf(efs.fileSystem(input.FileSystemId).id);
      else found = efs.allAccessPoints();
      const { items, next } = page(found, input.NextToken, input.MaxResults);
      return { AccessPoints: items.map(presentAccessPoint), NextToken: next };
    },

    async DeleteAccessPoint(input: In) {
      await efs.deleteAccessPoint(input.AccessPointId);
      return {};
    },

    async PutLifecycleConfiguration(input: In) {
      const fs = await efs.putLifecycle(input.FileSystemId, input.LifecyclePolicies ?? []);
      return { LifecyclePolicies: fs.lifecyclePolicies };
    },

    DescribeLifecycleConfiguration(input: In) {
      return { LifecyclePolicies: efs.fileSystem(input.FileSystemId).lifecyclePolicies };
    },

    async PutBackupPolicy(input: In) {
      const fs = await efs.putBackup(input.FileSystemId, input.BackupPolicy.Status);
      return { BackupPolicy: { Status: fs.backupStatus } };
    },

    DescribeBackupPolicy(input: In) {
      return { BackupPolicy: { Status: efs.fileSystem(input.FileSystemId).backupStatus } };
    },

    async TagResource(input: In) {
      await efs.tag(input.ResourceId, input.Tags as EfsTag[]);
      return {};
    },

    async UntagResource(input: In) {
      await efs.untag(input.ResourceId, input.TagKeys as string[]);
      return {};
    },

    ListTagsForResource(input: In) {
      const { items, next } = page(efs.tagsOf(input.ResourceId), input.NextToken, input.MaxResults);
      return { Tags: items, NextToken: next };
    },

    // The older file-system-only tag operations.
    async CreateTags(input: In) {
      efs.fileSystem(input.FileSystemId);
      await efs.tag(input.FileSystemId, input.Tags as EfsTag[]);
      return {};
    },

    async DeleteTags(input: In) {
      efs.fileSystem(input.FileSystemId);
      await efs.untag(input.FileSystemId, input.TagKeys as string[]);
      return {};
    },

    DescribeTags(input: In) {
      const { items, next } = page(efs.fileSystem(input.FileSystemId).tags, input.Marker, input.MaxItems);
      return { Marker: input.Marker, Tags: items, NextMarker: next };
    },
  };
}

