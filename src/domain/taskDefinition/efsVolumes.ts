// efsVolumeConfiguration as RegisterTaskDefinition checks it: one configuration type per volume, transit encryption
// where a port, an access point or IAM authorization needs it, and an access point's root left to the access point.
import type { Volume } from '@aws-sdk/client-ecs';
import { ClientError } from '../errors.js';

const bad = (what: string) => new ClientError(`Invalid request provided: Create TaskDefinition: ${what}`);

export function checkEfsVolumes(volumes: readonly Volume[]): void {
  for (const v of volumes) {
    const efs = v.efsVolumeConfiguration;
    if (!efs) continue;
    const kinds = [v.host, v.dockerVolumeConfiguration, v.fsxWindowsFileServerVolumeConfiguration].filter((x) => x !== undefined);
    if (kinds.length > 0) {
      throw new ClientError('When the volume parameter is specified, only one volume configuration type should be used.');
    }
    if (!efs.fileSystemId) throw bad(`Volume '${v.name}': efsVolumeConfiguration.fileSystemId should not be null or empty.`);
    const encrypted = efs.transitEncryption === 'ENABLED';
    if (efs.transitEncryptionPort !== undefined && !encrypted) {
      throw bad('Transit encryption port can only be specified when transit encryption is enabled.');
    }
    const auth = efs.authorizationConfig;
    if ((auth?.accessPointId || auth?.iam === 'ENABLED') && !encrypted) {
      throw bad('Transit encryption must be enabled when using an EFS access point or IAM authorization.');
    }
    if (auth?.accessPointId && efs.rootDirectory !== undefined && efs.rootDirectory !== '/') {
      throw bad('When using an EFS access point, the root directory must either be set to "/" or be omitted.');
    }
    if (efs.rootDirectory !== undefined && !efs.rootDirectory.startsWith('/')) {
      throw bad(`Volume '${v.name}': the root directory must be an absolute path.`);
    }
  }
}
