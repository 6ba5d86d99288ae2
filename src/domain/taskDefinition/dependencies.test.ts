import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { clientError, container, ec2Task, rejection } from './fixtures.js';

const task = (...containers: ContainerDefinition[]) => ec2Task({ containerDefinitions: containers });
const healthCheck = { command: ['CMD-SHELL', 'true'] };

describe('dependsOn', () => {
  it('accepts a dependency on another container', () => {
    expect(
      rejection(task(container({ name: 'db' }), container({ dependsOn: [{ containerName: 'db', condition: 'START' }] }))),
    ).toBeUndefined();
  });

  it('refuses a dependency on a container not in the task', () => {
    expect(rejection(task(container({ dependsOn: [{ containerName: 'db', condition: 'START' }] })))).toEqual(
      clientError("Cannot depend on container + 'db' because it does not exist"),
    );
  });

  it('refuses a container depending on itself', () => {
    expect(rejection(task(container({ dependsOn: [{ containerName: 'web', condition: 'START' }] })))).toEqual(
      clientError("Container 'web' cannot depend on itself."),
    );
  });

  it('refuses a dependency cycle', () => {
    expect(
      rejection(
        task(
          container({ name: 'a', dependsOn: [{ containerName: 'b', condition: 'START' }] }),
          container({ name: 'b', dependsOn: [{ containerName: 'c', condition: 'START' }] }),
          container({ name: 'c', dependsOn: [{ containerName: 'a', condition: 'START' }] }),
        ),
      ),
    ).toEqual(clientError('Container dependencies should not have a cycle'));
  });

  it('refuses a cycle through dependsOn and volumesFrom', () => {
    expect(
      rejection(
        task(
          container({ name: 'a', dependsOn: [{ containerName: 'b', condition: 'START' }] }),
          container({ name: 'b', volumesFrom: [{ sourceContainer: 'a' }] }),
        ),
      ),
    ).toEqual(clientError('Container dependencies should not have a cycle'));
  });

  it('refuses SUCCESS on an essential container', () => {
    expect(
      rejection(task(container({ name: 'init' }), container({ dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] }))),
    ).toEqual(clientError('A dependency container with SUCCESS or COMPLETE condition cannot be an essential container'));
  });

  it('accepts COMPLETE on a non-essential container', () => {
    expect(
      rejection(
        task(
          container({ name: 'init', essential: false }),
          container({ dependsOn: [{ containerName: 'init', condition: 'COMPLETE' }] }),
        ),
      ),
    ).toBeUndefined();
  });

  it('refuses HEALTHY on a container without a health check', () => {
    expect(
      rejection(task(container({ name: 'db' }), container({ dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] }))),
    ).toEqual(clientError('A dependency container with HEALTHY condition must have health check configured.'));
  });

  it('accepts HEALTHY on a container with a health check', () => {
    expect(
      rejection(
        task(container({ name: 'db', healthCheck }), container({ dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] })),
      ),
    ).toBeUndefined();
  });
});

describe('links', () => {
  it('accepts name and name:alias links', () => {
    expect(rejection(task(container({ name: 'db' }), container({ links: ['db', 'db:database'] })))).toBeUndefined();
  });

  it('refuses a link to a container not in the task', () => {
    expect(rejection(task(container({ links: ['db'] })))).toEqual(
      clientError("Invalid 'links' setting. Unknown container: 'db'."),
    );
  });

  it('refuses a malformed link', () => {
    expect(rejection(task(container({ name: 'db' }), container({ links: ['db:a:b'] })))).toEqual(
      clientError("Invalid 'links' setting for container 'web'."),
    );
  });

  it('refuses a link cycle', () => {
    expect(rejection(task(container({ name: 'a', links: ['b'] }), container({ name: 'b', links: ['a:x'] })))).toEqual(
      clientError('Container links should not have a cycle'),
    );
  });
});

describe('volumesFrom and proxy', () => {
  it('refuses volumes from a container not in the task', () => {
    expect(rejection(task(container({ volumesFrom: [{ sourceContainer: 'data' }] })))).toEqual(
      clientError("Invalid 'volumesFrom' setting. Unknown container: 'data'."),
    );
  });

  it('accepts volumes from another container', () => {
    expect(
      rejection(task(container({ name: 'data', essential: false }), container({ volumesFrom: [{ sourceContainer: 'data' }] }))),
    ).toBeUndefined();
  });

  it('refuses a proxy configuration naming no container of the task', () => {
    expect(rejection(ec2Task({ proxyConfiguration: { type: 'APPMESH', containerName: 'envoy' } }))).toEqual(
      clientError("Invalid 'proxyConfiguration' setting. Unknown container: 'envoy'."),
    );
  });
});
