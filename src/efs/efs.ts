// EFS's state and rules: every operation reads the cache and commits one guarded transaction, so a refused request
// writes nothing. A file system's data is a directory, ROOT/FSID, under the data directory or `--efs-root`; agents
// that see the same root (one host, or a shared NFS mount) share it, as tasks share an EFS file system.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ClientError } from '../domain/errors.js';
import { Txn, type StateCache } from '../store/cache.js';
import {
  AccessPointAlreadyExists, AccessPointNotFound, BadRequest, FileSystemAlreadyExists, FileSystemInUse, FileSystemNotFound,
  MountTargetConflict, MountTargetNotFound,
} from './errors.js';
import type { AccessPointRecord, CreationInfo, EfsMountInfo, EfsTag, FileSystemRecord, MountTargetRecord, PosixUser } from './records.js';
import type { EfsTables } from './tables.js';

export interface EfsDeps {
  cache: StateCache;
  tables: EfsTables;
  accountId: string;
  /** Where file systems' directories live (the agents mount ROOT/FSID/...). */
  root: string;
  now?: () => Date;
}

export interface Scope {
  region: string;
}

const hexId = (prefix: string) => `${prefix}-${randomBytes(9).toString('hex').slice(0, 17)}`;

export class Efs {
  private readonly now: () => Date;

  constructor(private readonly deps: EfsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  get root(): string {
    return this.deps.root;
  }

  /** A file system by id or ARN. */
  fileSystem(idOrArn: string): FileSystemRecord {
    const id = idOrArn.startsWith('arn:') ? idOrArn.split('/').at(-1)! : idOrArn;
    const row = this.deps.tables.fileSystems.get(id);
    if (!row) throw new FileSystemNotFound(`File system '${id}' does not exist.`);
    return row.value;
  }

  fileSystems(): FileSystemRecord[] {
    return [...this.deps.tables.fileSystems.values()].map((r) => r.value).sort((a, b) => a.creationTime.getTime() - b.creationTime.getTime());
  }

  mountTargetsOf(fsId: string): MountTargetRecord[] {
    return [...this.deps.tables.mountTargets.byIndex('fs', fsId)].map((r) => r.value);
  }

  accessPointsOf(fsId: string): AccessPointRecord[] {
    return [...this.deps.tables.accessPoints.byIndex('fs', fsId)].map((r) => r.value);
  }

  allAccessPoints(): AccessPointRecord[] {
    return [...this.deps.tables.accessPoints.values()].map((r) => r.value);
  }

  mountTarget(id: string): MountTargetRecord {
    const row = this.deps.tables.mountTargets.get(id);
    if (!row) throw new MountTargetNotFound(`Mount target '${id}' does not exist.`);
    return row.value;
  }

  accessPoint(idOrArn: string): AccessPointRecord {
    const id = idOrArn.startsWith('arn:') ? idOrArn.split('/').at(-1)! : idOrArn;
    const row = this.deps.tables.accessPoints.get(id);
    if (!row) throw new AccessPointNotFound(`Access point '${id}' does not exist.`);
    return row.value;
  }

  async createFileSystem(
    input: {
      CreationToken: string; PerformanceMode?: string; ThroughputMode?: string; ProvisionedThroughputInMibps?: number;
      Encrypted?: boolean; KmsKeyId?: string; AvailabilityZoneName?: string; Backup?: boolean; Tags?: EfsTag[];
    },
    scope: Scope,
  ): Promise<FileSystemRecord> {
    const throughputMode = input.ThroughputMode ?? 'bursting';
    if (throughputMode === 'provisioned' && input.ProvisionedThroughputInMibps === undefined) {
      throw new BadRequest('ProvisionedThroughputInMibps is required when ThroughputMode is provisioned.');
    }
    if (throughputMode !== 'provisioned' && input.ProvisionedThroughputInMibps !== undefined) {
      throw new BadRequest('ProvisionedThroughputInMibps can only be set when ThroughputMode is provisioned.');
    }
    if (input.KmsKeyId && input.Encrypted !== true) throw new BadRequest('KmsKeyId can only be set when Encrypted is true.');
    if (input.AvailabilityZoneName && (input.PerformanceMode ?? 'generalPurpose') === 'maxIO') {
      throw new BadRequest('One Zone file systems do not support the maxIO performance mode.');
    }
    return this.deps.cache.update(() => {
      // The creation token makes creation idempotent: the same token again names the file system it made.
      const existing = [...this.deps.tables.fileSystems.byIndex('token', input.CreationToken)][0]?.value;
      if (existing) {
        throw new FileSystemAlreadyExists(`File system '${existing.id}' already exists with creation token '${input.CreationToken}'`, {
          FileSystemId: existing.id,
        });
      }
      const id = hexId('fs');
      const rec: FileSystemRecord = {
        id,
        arn: `arn:aws:elasticfilesystem:${scope.region}:${this.deps.accountId}:file-system/${id}`,
        ownerId: this.deps.accountId,
        creationToken: input.CreationToken,
        creationTime: this.now(),
        performanceMode: input.PerformanceMode ?? 'generalPurpose',
        throughputMode,
        provisionedThroughputInMibps: input.ProvisionedThroughputInMibps,
        encrypted: input.Encrypted ?? false,
        kmsKeyId: input.Encrypted ? (input.KmsKeyId ?? `arn:aws:kms:${scope.region}:${this.deps.accountId}:alias/aws/elasticfilesystem`) : undefined,
        availabilityZoneName: input.AvailabilityZoneName,
        tags: input.Tags ?? [],
        lifecyclePolicies: [],
        // One Zone file systems have automatic backups on by default, Regional ones off, unless Backup says.
        backupStatus: (input.Backup ?? Boolean(input.AvailabilityZoneName)) ? 'ENABLED' : 'DISABLED',
      };
      return { txn: new Txn().put(this.deps.tables.fileSystems, id, rec, 0), result: rec };
    });
  }

  async updateFileSystem(input: { FileSystemId: string; ThroughputMode?: string; ProvisionedThroughputInMibps?: number }): Promise<FileSystemRecord> {
    return this.changeFileSystem(input.FileSystemId, (fs) => {
      const mode = input.ThroughputMode ?? fs.throughputMode;
      const mibps = input.ProvisionedThroughputInMibps ?? (mode === 'provisioned' ? fs.provisionedThroughputInMibps : undefined);
      if (mode === 'provisioned' && mibps === undefined) {
        throw new BadRequest('ProvisionedThroughputInMibps is required when ThroughputMode is provisioned.');
      }
      if (mode !== 'provisioned' && input.ProvisionedThroughputInMibps !== undefined) {
        throw new BadRequest('ProvisionedThroughputInMibps can only be set when ThroughputMode is provisioned.');
      }
      return { ...fs, throughputMode: mode, provisionedThroughputInMibps: mibps };
    });
  }

  /** Refused while mount targets or access points remain; the file system's data goes with it. */
  async deleteFileSystem(idOrArn: string): Promise<void> {
    const fs = await this.deps.cache.update(() => {
      const fs = this.fileSystem(idOrArn);
      const row = this.deps.tables.fileSystems.get(fs.id)!;
      const targets = this.deps.tables.mountTargets.countByIndex('fs', fs.id);
      if (targets > 0) throw new FileSystemInUse(`File system '${fs.id}' has mount targets created in it.`);
      const points = this.deps.tables.accessPoints.countByIndex('fs', fs.id);
      if (points > 0) throw new FileSystemInUse(`File system '${fs.id}' has access points created in it.`);
      return { txn: new Txn().delete(this.deps.tables.fileSystems, fs.id, row.modRevision), result: fs };
    });
    await rm(join(this.deps.root, fs.id), { recursive: true, force: true });
  }

  async putLifecycle(fsId: string, policies: Record<string, string>[]): Promise<FileSystemRecord> {
    return this.changeFileSystem(fsId, (fs) => ({ ...fs, lifecyclePolicies: policies }));
  }

  async putBackup(fsId: string, status: string): Promise<FileSystemRecord> {
    if (status !== 'ENABLED' && status !== 'DISABLED') throw new BadRequest(`BackupPolicy Status must be ENABLED or DISABLED, not ${status}.`);
    return this.changeFileSystem(fsId, (fs) => ({ ...fs, backupStatus: status }));
  }

  async createMountTarget(input: { FileSystemId: string; SubnetId: string; IpAddress?: string; SecurityGroups?: string[] }, scope: Scope): Promise<MountTargetRecord> {
    return this.deps.cache.update(() => {
      const fs = this.fileSystem(input.FileSystemId);
      const fsRow = this.deps.tables.fileSystems.get(fs.id)!;
      const others = this.mountTargetsOf(fs.id);
      if (others.some((m) => m.subnetId === input.SubnetId)) {
        throw new MountTargetConflict(`Mount target already exists in subnet '${input.SubnetId}' for file system '${fs.id}'.`);
      }
      const id = hexId('fsmt');
      const rec: MountTargetRecord = {
        id,
        fileSystemId: fs.id,
        ownerId: this.deps.accountId,
        subnetId: input.SubnetId,
        // Wharf's agents reach the data through a directory, not NFS: the address is descriptive.
        ipAddress: input.IpAddress ?? `127.0.0.${others.length + 1}`,
        networkInterfaceId: hexId('eni'),
        availabilityZoneName: fs.availabilityZoneName ?? `${scope.region}a`,
        securityGroups: input.SecurityGroups ?? [],
      };
      const txn = new Txn().guard(this.deps.tables.fileSystems, fs.id, fsRow.modRevision).put(this.deps.tables.mountTargets, id, rec, 0);
      return { txn, result: rec };
    });
  }

  async deleteMountTarget(id: string): Promise<void> {
    await this.deps.cache.update(() => {
      const row = this.deps.tables.mountTargets.get(id);
      if (!row) throw new MountTargetNotFound(`Mount target '${id}' does not exist.`);
      return { txn: new Txn().delete(this.deps.tables.mountTargets, id, row.modRevision), result: null };
    });
  }

  async createAccessPoint(
    input: { ClientToken: string; FileSystemId: string; PosixUser?: PosixUser; RootDirectory?: { Path?: string; CreationInfo?: CreationInfo }; Tags?: EfsTag[] },
    scope: Scope,
  ): Promise<AccessPointRecord> {
    const path = input.RootDirectory?.Path ?? '/';
    if (!path.startsWith('/') || path.split('/').some((p) => p === '..' || p === '.')) {
      throw new BadRequest(`RootDirectory Path '${path}' must be an absolute path without '.' or '..' components.`);
    }
    const info = input.RootDirectory?.CreationInfo;
    if (info && !/^[0-7]{3,4}$/.test(info.Permissions)) throw new BadRequest(`Permissions '${info.Permissions}' must be octal, such as 755.`);
    return this.deps.cache.update(() => {
      const fs = this.fileSystem(input.FileSystemId);
      const fsRow = this.deps.tables.fileSystems.get(fs.id)!;
      const same = [...this.deps.tables.accessPoints.byIndex('token', `${fs.id}/${input.ClientToken}`)][0]?.value;
      if (same) {
        throw new AccessPointAlreadyExists(`Access point '${same.id}' already exists with client token '${input.ClientToken}'.`, { AccessPointId: same.id });
      }
      const id = hexId('fsap');
      const rec: AccessPointRecord = {
        id,
        arn: `arn:aws:elasticfilesystem:${scope.region}:${this.deps.accountId}:access-point/${id}`,
        ownerId: this.deps.accountId,
        fileSystemId: fs.id,
        clientToken: input.ClientToken,
        posixUser: input.PosixUser,
        rootDirectory: { Path: path.length > 1 ? path.replace(/\/+$/, '') : '/', ...(info ? { CreationInfo: info } : {}) },
        tags: input.Tags ?? [],
      };
      const txn = new Txn().guard(this.deps.tables.fileSystems, fs.id, fsRow.modRevision).put(this.deps.tables.accessPoints, id, rec, 0);
      return { txn, result: rec };
    });
  }

  async deleteAccessPoint(id: string): Promise<void> {
    await this.deps.cache.update(() => {
      const ap = this.accessPoint(id);
      const row = this.deps.tables.accessPoints.get(ap.id)!;
      return { txn: new Txn().delete(this.deps.tables.accessPoints, ap.id, row.modRevision), result: null };
    });
  }

  /** Tags on a file system or an access point, by id or ARN. */
  tagsOf(resource: string): EfsTag[] {
    return this.isAccessPoint(resource) ? this.accessPoint(resource).tags : this.fileSystem(resource).tags;
  }

  async tag(resource: string, tags: EfsTag[]): Promise<void> {
    const merge = (old: EfsTag[]) => [...old.filter((t) => !tags.some((n) => n.Key === t.Key)), ...tags];
    if (this.isAccessPoint(resource)) await this.changeAccessPoint(resource, (ap) => ({ ...ap, tags: merge(ap.tags) }));
    else await this.changeFileSystem(resource, (fs) => ({ ...fs, tags: merge(fs.tags) }));
  }

  async untag(resource: string, keys: string[]): Promise<void> {
    const keep = (old: EfsTag[]) => old.filter((t) => !keys.includes(t.Key));
    if (this.isAccessPoint(resource)) await this.changeAccessPoint(resource, (ap) => ({ ...ap, tags: keep(ap.tags) }));
    else await this.changeFileSystem(resource, (fs) => ({ ...fs, tags: keep(fs.tags) }));
  }

  /**
   * What an agent mounts for a task's efsVolumeConfiguration; undefined when the file system (or the access point,
   * or its file system) does not exist.
   */
  mountInfo(fileSystemId: string, rootDirectory: string | undefined, accessPointId: string | undefined): EfsMountInfo | undefined {
    const fs = this.deps.tables.fileSystems.get(fileSystemId)?.value;
    if (!fs) return undefined;
    const volumeRoot = rootDirectory && rootDirectory !== '/' ? rootDirectory : '';
    if (!accessPointId) return { fileSystemId, path: volumeRoot || '/' };
    const ap = this.deps.tables.accessPoints.get(accessPointId)?.value;
    if (!ap || ap.fileSystemId !== fileSystemId) return undefined;
    const apRoot = ap.rootDirectory.Path === '/' ? '' : ap.rootDirectory.Path;
    return {
      fileSystemId,
      path: `${apRoot}${volumeRoot}` || '/',
      accessPointRoot: ap.rootDirectory.Path,
      creationInfo: ap.rootDirectory.CreationInfo,
      posixUser: ap.posixUser,
    };
  }

  /** RunTask's check: a ClientException for an EFS volume whose file system or access point is not there. */
  checkTaskVolumes(volumes: { name?: string; efsVolumeConfiguration?: { fileSystemId?: string; authorizationConfig?: { accessPointId?: string } } }[]): void {
    for (const v of volumes) {
      const e = v.efsVolumeConfiguration;
      const problem = e && this.mountProblem(v.name ?? '', e.fileSystemId ?? '', e.authorizationConfig?.accessPointId);
      if (problem) throw new ClientError(problem);
    }
  }

  /** Why a task's EFS volume cannot be mounted; undefined when it can. */
  mountProblem(volumeName: string, fileSystemId: string, accessPointId: string | undefined): string | undefined {
    if (!this.deps.tables.fileSystems.get(fileSystemId)) {
      return `Invalid request provided: Volume '${volumeName}': the EFS file system ${fileSystemId} does not exist.`;
    }
    if (accessPointId) {
      const ap = this.deps.tables.accessPoints.get(accessPointId)?.value;
      if (!ap) return `Invalid request provided: Volume '${volumeName}': the EFS access point ${accessPointId} does not exist.`;
      if (ap.fileSystemId !== fileSystemId) {
        return `Invalid request provided: Volume '${volumeName}': the EFS access point ${accessPointId} belongs to file system ${ap.fileSystemId}, not ${fileSystemId}.`;
      }
    }
    return undefined;
  }

  private isAccessPoint(resource: string): boolean {
    return resource.startsWith('fsap-') || resource.includes(':access-point/');
  }

  private async changeFileSystem(idOrArn: string, change: (fs: FileSystemRecord) => FileSystemRecord): Promise<FileSystemRecord> {
    return this.deps.cache.update(() => {
      const fs = this.fileSystem(idOrArn);
      const row = this.deps.tables.fileSystems.get(fs.id)!;
      const next = change(fs);
      return { txn: new Txn().put(this.deps.tables.fileSystems, fs.id, next, row.modRevision), result: next };
    });
  }

  private async changeAccessPoint(idOrArn: string, change: (ap: AccessPointRecord) => AccessPointRecord): Promise<AccessPointRecord> {
    return this.deps.cache.update(() => {
      const ap = this.accessPoint(idOrArn);
      const row = this.deps.tables.accessPoints.get(ap.id)!;
      const next = change(ap);
      return { txn: new Txn().put(this.deps.tables.accessPoints, ap.id, next, row.modRevision), result: next };
    });
  }
}
