// The ECS API as the gateway serves it: JSON 1.1 under the AmazonEC2ContainerServiceV20141113 target prefix.
import type { Volume } from '@aws-sdk/client-ecs';
import { loadModel } from '../../gateway/model/index.js';
import type { RequestContext, ServiceDefinition } from '../../gateway/service.js';
import { accountSettingOperations } from './accountSettings.js';
import { attributeOperations } from './attributes.js';
import { capacityProviderOperations } from './capacityProviders.js';
import { clusterOperations } from './clusters.js';
import { containerInstanceOperations } from './containerInstances.js';
import { EcsContext, type EcsDeps } from './context.js';
import { tagOperations } from './tags.js';
import { runTaskOperations } from './runTask.js';
import { taskOperations } from './tasks.js';
import { agentReportOperations } from './agentReports.js';
import type { PlacementPools } from '../../placement/pools.js';
import { taskDefinitionOperations } from './taskDefinitions.js';
import { serviceOperations } from './services.js';
import { serviceReadOperations } from './serviceReads.js';
import { executeCommandOperations } from './executeCommand.js';
import type { ExecSessions } from '../acs/exec.js';
import { serviceDeploymentOperations } from './serviceDeployments.js';
import { taskSetOperations } from './taskSets.js';

export interface EcsServiceOptions {
  pools: PlacementPools;
  /** The agent channel URL DiscoverPollEndpoint hands out. */
  channelUrl: () => string;
  stoppedRetentionMs?: number;
  /** Throws a ClientException for a volume RunTask cannot mount (an EFS file system or access point that is not there). */
  checkVolumes?: (volumes: Volume[]) => void;
  /** ECS Exec's session relay (ExecuteCommand opens its sessions). */
  exec?: ExecSessions;
  /** RunTask and StartTask handed to the replica that places (cli/placementForwarding.ts); undefined: placed here. */
  forwardPlacement?: (op: 'RunTask' | 'StartTask', input: unknown, ctx: RequestContext) => Promise<unknown>;
}

export function ecsService(deps: EcsDeps, opts: EcsServiceOptions): ServiceDefinition {
  const ecs = new EcsContext(deps);
  return {
    signingName: 'ecs',
    protocol: 'json',
    jsonVersion: '1.1',
    targetPrefix: 'AmazonEC2ContainerServiceV20141113',
    model: loadModel('ecs'),
    validationErrorCode: 'InvalidParameterException',
    maxBodyBytes: 1024 * 1024,
    operations: {
      ...clusterOperations(ecs),
      ...capacityProviderOperations(ecs),
      ...taskDefinitionOperations(ecs),
      ...tagOperations(ecs),
      ...accountSettingOperations(ecs),
      ...attributeOperations(ecs),
      ...containerInstanceOperations(ecs),
      ...runTaskOperations(ecs, opts.pools, opts.stoppedRetentionMs, opts.checkVolumes, opts.forwardPlacement),
      ...taskOperations(ecs, { stoppedRetentionMs: opts.stoppedRetentionMs }),
      ...agentReportOperations(ecs, { channelUrl: opts.channelUrl, stoppedRetentionMs: opts.stoppedRetentionMs }),
      ...serviceOperations(ecs),
      ...serviceReadOperations(ecs),
      ...executeCommandOperations(ecs, opts.exec),
      ...serviceDeploymentOperations(ecs),
      ...taskSetOperations(ecs),
    },
  };
}
