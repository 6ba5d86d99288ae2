// The rows EFS keeps: file systems, mount targets and access points, as EFS describes them (minus computed fields).
export interface EfsTag {
  Key: string;
  Value: string;
}

export interface PosixUser {
  Uid: number;
  Gid: number;
  SecondaryGids?: number[];
}

export interface CreationInfo {
  OwnerUid: number;
  OwnerGid: number;
  /** Octal text, e.g. "755". */
  Permissions: string;
}

export interface FileSystemRecord {
  id: string;
  arn: string;
  ownerId: string;
  creationToken: string;
  creationTime: Date;
  performanceMode: string;
  throughputMode: string;
  provisionedThroughputInMibps?: number;
  encrypted: boolean;
  kmsKeyId?: string;
  availabilityZoneName?: string;
  tags: EfsTag[];
  lifecyclePolicies: Record<string, string>[];
  backupStatus: string;
}

export interface MountTargetRecord {
  id: string;
  fileSystemId: string;
  ownerId: string;
  subnetId: string;
  ipAddress: string;
  networkInterfaceId: string;
  availabilityZoneName: string;
  securityGroups: string[];
}

export interface AccessPointRecord {
  id: string;
  arn: string;
  ownerId: string;
  fileSystemId: string;
  clientToken: string;
  posixUser?: PosixUser;
  rootDirectory: { Path: string; CreationInfo?: CreationInfo };
  tags: EfsTag[];
}

/** What a task's agent needs to mount an EFS volume: the directory under the EFS root, and the access point's rules. */
export interface EfsMountInfo {
  fileSystemId: string;
  /** The path inside the file system to mount ("/" or deeper): the access point's root, then the volume's. */
  path: string;
  /** The access point's root directory's creation rules, when it has them. */
  creationInfo?: CreationInfo;
  /** The access point's root directory path, which creationInfo applies to. */
  accessPointRoot?: string;
  posixUser?: PosixUser;
}
