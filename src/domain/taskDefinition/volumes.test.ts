import { describe, expect, it } from 'vitest';
import { clientError, container, ec2Task, rejection } from './fixtures.js';

const mounting = (sourceVolume: string | undefined) =>
  container({ mountPoints: [{ sourceVolume, containerPath: '/data' }] });

describe('volumes and mount points', () => {
  it('accepts a mount of a declared volume', () => {
    expect(rejection(ec2Task({ volumes: [{ name: 'data' }], containerDefinitions: [mounting('data')] }))).toBeUndefined();
  });

  it('refuses a mount of an undeclared volume', () => {
    expect(rejection(ec2Task({ volumes: [{ name: 'data' }], containerDefinitions: [mounting('logs')] }))).toEqual(
      clientError("Unknown volume 'logs'."),
    );
  });

  it('refuses a mount without a source volume', () => {
    expect(rejection(ec2Task({ containerDefinitions: [mounting(undefined)] }))).toEqual(clientError("Unknown volume 'null'."));
  });

  it('refuses two volumes of one name', () => {
    expect(rejection(ec2Task({ volumes: [{ name: 'data' }, { name: 'data', host: { sourcePath: '/x' } }] }))).toEqual(
      clientError('Volume names must be unique within a Task Definition.'),
    );
  });

  it('refuses a volume without a name', () => {
    expect(rejection(ec2Task({ volumes: [{ host: { sourcePath: '/x' } }] }))).toEqual(
      clientError('Volume.name should not be null or empty.'),
    );
  });

  it('refuses a volume name with other characters', () => {
    expect(rejection(ec2Task({ volumes: [{ name: 'my data' }] }))).toEqual(
      clientError('Volume.name contains invalid characters.'),
    );
  });

  it('refuses a volume configured at launch that no container mounts', () => {
    expect(rejection(ec2Task({ volumes: [{ name: 'ebs', configuredAtLaunch: true }] }))).toEqual(
      clientError('Volumes [ebs] are not referenced by any of the containers.'),
    );
    // Mounted, it passes ECS's rules and meets Wharf's refusal (no EBS volumes to attach).
    expect(
      rejection(ec2Task({ volumes: [{ name: 'ebs', configuredAtLaunch: true }], containerDefinitions: [mounting('ebs')] })),
    ).toEqual(clientError('configuredAtLaunch is not supported by Wharf: EBS volumes configured at launch are not provided.'));
  });
});
