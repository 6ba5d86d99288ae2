// The order ECS's checks run in, as far as its messages show: shape and names first, then the task size and the
// launch type, then each concern. The first broken rule is the one reported, as ECS reports one error at a time.
import type { RegisterTaskDefinitionRequest } from '@aws-sdk/client-ecs';
import { checkContainers } from './containers.js';
import { checkDependencies } from './dependencies.js';
import { checkEphemeralStorage } from './ephemeralStorage.js';
import { checkFargate } from './fargate.js';
import { checkNames } from './names.js';
import { checkNetworkModeSettings } from './network.js';
import { checkPorts } from './ports.js';
import { checkRefusedFields } from './refusals.js';
import { checkResources } from './resources.js';
import { viewOf } from './view.js';
import { checkVolumes } from './volumes.js';

export function validateRegisterTaskDefinition(input: RegisterTaskDefinitionRequest): void {
  checkNames(input);
  const view = viewOf(input);
  if (view.requiresFargate) checkFargate(view);
  checkNetworkModeSettings(view);
  checkResources(view);
  checkPorts(view);
  checkVolumes(view);
  checkDependencies(view);
  checkContainers(view);
  checkEphemeralStorage(input.ephemeralStorage, 'task');
  // What Wharf cannot honour comes last: ECS's own rules speak first, as they would on ECS.
  checkRefusedFields(input);
}
