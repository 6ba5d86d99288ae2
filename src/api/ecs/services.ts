// CreateService, UpdateService and DeleteService: validate, then write the service record with a new PRIMARY
// deployment when the task definition or the way tasks launch changes. Tasks are started and stopped by the service
// controller (controllers/services/), never here. Reads and task protection are in serviceReads.ts.
import type {
  CreateServiceRequest,
  CreateServiceResponse,
  DeleteServiceRequest,
  DeleteServiceResponse,
  Deployment,
  DeploymentConfiguration,
  UpdateServiceRequest,
  UpdateServiceResponse,
} from '@aws-sdk/client-ecs';
import { newDeploymentId, resolveDeploymentConfiguration, RolloutReasons } from '../../domain/deployment.js';
import { ClientError, InvalidParameter, ServiceNotActive, ServiceNotFound } from '../../domain/errors.js';
import { isExternal, presentService, serviceArn, serviceNameOf, validateServiceName, type ServiceRecord } from '../../domain/service.js';
import { startServiceDeployment } from '../../domain/serviceDeployment.js';
import { checkDeploymentStrategy } from '../../domain/deploymentStrategy.js';
import { initialTags } from '../../domain/tags.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn } from '../../store/cache.js';
import type { Tables } from '../../state/tables.js';
import type { EcsContext } from './context.js';
import { createdProviders, launchPlan } from '../../tasks/launchTypes.js';
import { checkLaunchable } from '../../tasks/run.js';
import { findTaskDefinition } from './taskDefinitions.js';
import { checkServiceRegistries } from './serviceRegistries.js';
import { discoveryNameUsers, namespaceFinder } from './serviceConnect.js';
import { resolveServiceConnect } from '../../domain/serviceConnect.js';

type LaunchInput = Pick<CreateServiceRequest, 'launchType' | 'capacityProviderStrategy' | 'networkConfiguration' | 'platformVersion'>;

export function serviceOperations(ecs: EcsContext) {
  const { tables } = ecs;

  /** A new PRIMARY deployment of `tdRef`, checked as RunTask checks a launch. */
  const deployment = (clusterName: string, tdRef: string, input: LaunchInput, desiredCount: number, now: Date): Deployment => {
    const cluster = ecs.activeCluster(clusterName).value;
    const td = findTaskDefinition(tables, tdRef)?.value.taskDefinition;
    if (!td) throw new ClientError('Unable to describe task definition.');
    const strategy = input.capacityProviderStrategy ?? (input.launchType ? [] : cluster.defaultCapacityProviderStrategy);
    if (td.status !== 'ACTIVE') throw new ClientError('TaskDefinition is inactive');
    const launch = launchPlan(1, input.launchType, strategy, createdProviders(tables, cluster.capacityProviders))[0]!;
    checkLaunchable(td, launch.launchType, input.networkConfiguration);
    const id = newDeploymentId();
    const fargate = launch.launchType === 'FARGATE';
    return {
      id,
      status: 'PRIMARY',
      taskDefinition: td.taskDefinitionArn,
      desiredCount,
      pendingCount: 0,
      runningCount: 0,
      failedTasks: 0,
      createdAt: now,
      updatedAt: now,
      ...(strategy.length > 0 ? { capacityProviderStrategy: strategy } : { launchType: input.launchType ?? 'EC2' }),
      ...(fargate ? { platformVersion: input.platformVersion ?? 'LATEST', platformFamily: 'Linux' } : {}),
      networkConfiguration: input.networkConfiguration,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: RolloutReasons.inProgress(id),
    };
  };

  const find = (clusterRef: string | undefined, ref: string | undefined) => {
    const cluster = ecs.activeCluster(clusterRef).id;
    const row = tables.services.get(`${cluster}/${serviceNameOf(ref ?? '')}`);
    if (!row) throw new ServiceNotFound('Service not found.');
    return row;
  };
  const present = (rec: ServiceRecord) =>
    presentService(rec, [...tables.tasks.byIndex('group', `${rec.clusterName}|service:${rec.service.serviceName}`)].map((r) => r.value.task), true);

  /** Enabled deployment alarms must name alarms that exist: one that does not could never stop a bad deployment. */
  const checkAlarms = (given: DeploymentConfiguration | undefined) => {
    const alarms = given?.alarms;
    if (!alarms?.enable || !ecs.deps.alarmExists) return;
    const missing = (alarms.alarmNames ?? []).filter((n) => !ecs.deps.alarmExists!(n));
    if (missing.length > 0) throw new InvalidParameter(`The following CloudWatch alarms do not exist: ${missing.join(', ')}.`);
  };

  /** EXTERNAL: UpdateService changes the desired count and the settings around it; the rest belongs to task sets. */
  const updateExternal = (cur: ServiceRecord, id: string, modRevision: number, input: UpdateServiceRequest) => {
    const owned = (['taskDefinition', 'loadBalancers', 'networkConfiguration', 'capacityProviderStrategy', 'platformVersion', 'serviceRegistries', 'forceNewDeployment'] as const)
      .filter((k) => input[k] !== undefined && input[k] !== false);
    if (owned.length > 0) {
      throw new InvalidParameter(`${owned[0]} cannot be updated on a service with the EXTERNAL deployment controller: create a task set (CreateTaskSet) instead.`);
    }
    const s = cur.service;
    const config = resolveDeploymentConfiguration(input.deploymentConfiguration, 'REPLICA', s.deploymentConfiguration);
    checkPercents(config.minimumHealthyPercent!, config.maximumPercent!);
    const desired = input.desiredCount ?? s.desiredCount ?? 0;
    const rec: ServiceRecord = {
      ...cur,
      steady: desired !== s.desiredCount ? false : cur.steady,
      service: {
        ...s,
        desiredCount: desired,
        deploymentConfiguration: config,
        ...keptSettings(input, s),
      },
    };
    return { txn: new Txn().put(tables.services, id, rec, modRevision), result: { service: present(rec) } };
  };

  return {
    async CreateService(input: CreateServiceRequest, ctx: RequestContext): Promise<CreateServiceResponse> {
      validateServiceName(input.serviceName);
      const name = input.serviceName!;
      const scheduling = (input.schedulingStrategy ?? 'REPLICA') as 'REPLICA' | 'DAEMON';
      const controller = input.deploymentController?.type ?? 'ECS';
      if (controller === 'CODE_DEPLOY') throw new InvalidParameter(NO_CODE_DEPLOY);
      const external = controller === 'EXTERNAL';
      if (external) checkExternalService(input, scheduling);
      else if (!input.taskDefinition) throw new InvalidParameter('TaskDefinition must be specified.');
      if (scheduling === 'REPLICA' && input.desiredCount === undefined) throw new InvalidParameter('The desired count must be specified for the REPLICA scheduling strategy.');
      if (scheduling === 'DAEMON') {
        if (input.placementStrategy?.length) throw new InvalidParameter('Placement strategies are not supported with the DAEMON scheduling strategy.');
        if (input.launchType === 'FARGATE' || input.capacityProviderStrategy?.length) throw new InvalidParameter('The DAEMON scheduling strategy does not support FARGATE.');
      }
      const config = resolveDeploymentConfiguration(input.deploymentConfiguration, scheduling);
      checkPercents(config.minimumHealthyPercent!, config.maximumPercent!);
      checkDeploymentStrategy(config, input.loadBalancers ?? [], scheduling);
      checkAlarms(input.deploymentConfiguration);
      const tags = initialTags(input.tags);
      const registryTd = input.taskDefinition ? findTaskDefinition(tables, input.taskDefinition)?.value.taskDefinition : undefined;
      if (registryTd) checkServiceRegistries(input.serviceRegistries, registryTd, ecs.deps.discovery);
      const serviceConnect = registryTd
        ? resolveServiceConnect(input.serviceConnectConfiguration, registryTd, ecs.activeCluster(input.cluster).value.serviceConnectDefaults?.namespace, namespaceFinder(ecs.deps.discovery),
          { operation: 'CreateService', usedElsewhere: discoveryNameUsers(tables, `${ecs.activeCluster(input.cluster).value.clusterName}/${name}`) })
        : input.serviceConnectConfiguration;
      return ecs.cache.update(() => {
        const cluster = ecs.activeCluster(input.cluster).value;
        const key = `${cluster.clusterName}/${name}`;
        const existing = tables.services.get(key);
        if (existing && existing.value.service.status !== 'INACTIVE') {
          if (input.clientToken && existing.value.clientToken === input.clientToken) return { txn: new Txn(), result: { service: present(existing.value) } };
          throw new InvalidParameter('Creation of service was not idempotent.');
        }
        const desired = scheduling === 'DAEMON' ? 0 : input.desiredCount!;
        // An EXTERNAL service has no deployments: its tasks come from the task sets created on it (taskSets.ts).
        const dep = external
          ? undefined
          : { ...deployment(cluster.clusterName, input.taskDefinition!, input, desired, ctx.now), serviceConnectConfiguration: serviceConnect };
        const rec: ServiceRecord = {
          clusterName: cluster.clusterName,
          service: {
            serviceArn: serviceArn(ctx, cluster.clusterName, name), serviceName: name, clusterArn: cluster.clusterArn,
            loadBalancers: input.loadBalancers ?? [], serviceRegistries: input.serviceRegistries ?? [], status: 'ACTIVE',
            desiredCount: desired, launchType: dep?.launchType, capacityProviderStrategy: dep?.capacityProviderStrategy,
            platformVersion: dep?.platformVersion, platformFamily: dep?.platformFamily, taskDefinition: dep?.taskDefinition,
            deploymentConfiguration: config, roleArn: input.role, createdAt: ctx.now,
            placementConstraints: input.placementConstraints ?? [], placementStrategy: input.placementStrategy ?? [],
            networkConfiguration: input.networkConfiguration, healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds,
            schedulingStrategy: scheduling, deploymentController: { type: controller }, tags, createdBy: ctx.principalArn,
            enableECSManagedTags: input.enableECSManagedTags ?? false, propagateTags: input.propagateTags ?? 'NONE',
            enableExecuteCommand: input.enableExecuteCommand ?? false,
            // ECS's default for a new service: ENABLED where it can rebalance (controllers/services/azRebalance.ts).
            availabilityZoneRebalancing: input.availabilityZoneRebalancing ?? (scheduling === 'REPLICA' && !external ? 'ENABLED' : 'DISABLED'),
          },
          deployments: dep ? [dep] : [],
          events: [],
          protection: {},
          steady: false,
          clientToken: input.clientToken,
          ...(external ? { taskSets: [] } : {}),
        };
        const recorded = dep ? startServiceDeployment(rec, dep, findTaskDefinition(tables, dep.taskDefinition!)?.value.taskDefinition, ctx.now) : rec;
        const txn = new Txn().put(tables.services, key, recorded, existing?.modRevision ?? 0).guard(tables.clusters, cluster.clusterName, ecs.activeCluster(input.cluster).modRevision);
        return { txn, result: { service: present(recorded) } };
      });
    },

    async UpdateService(input: UpdateServiceRequest, ctx: RequestContext): Promise<UpdateServiceResponse> {
      return ecs.cache.update(() => {
        const row = find(input.cluster, input.service);
        const cur = row.value;
        const s = cur.service;
        if (s.status !== 'ACTIVE') throw new ServiceNotActive('Service was not ACTIVE.');
        // A service keeps the controller it was created with: a switch would leave its deployments or task sets
        // without anything to run them.
        if (input.deploymentController && input.deploymentController.type !== (s.deploymentController?.type ?? 'ECS')) {
          throw new InvalidParameter('Updating the deployment controller of a service is not supported.');
        }
        if (isExternal(cur)) return updateExternal(cur, row.id, row.modRevision, input);
        const daemon = s.schedulingStrategy === 'DAEMON';
        if (daemon && input.desiredCount !== undefined) throw new InvalidParameter('The desired count cannot be changed for the DAEMON scheduling strategy.');
        if (daemon && input.placementStrategy?.length) throw new InvalidParameter('Placement strategies are not supported with the DAEMON scheduling strategy.');
        const config = resolveDeploymentConfiguration(input.deploymentConfiguration, daemon ? 'DAEMON' : 'REPLICA', s.deploymentConfiguration);
        checkPercents(config.minimumHealthyPercent!, config.maximumPercent!);
        checkDeploymentStrategy(config, input.loadBalancers ?? s.loadBalancers ?? [], s.schedulingStrategy ?? 'REPLICA');
        checkAlarms(input.deploymentConfiguration);
        const desired = input.desiredCount ?? s.desiredCount ?? 0;
        const primary = cur.deployments[0]!;
        const tdArn = input.taskDefinition ? findTaskDefinition(tables, input.taskDefinition)?.value.taskDefinition.taskDefinitionArn : primary.taskDefinition;
        if (!tdArn) throw new ClientError('Unable to describe task definition.');
        if (input.serviceRegistries !== undefined || input.taskDefinition !== undefined) {
          const td = findTaskDefinition(tables, tdArn)?.value.taskDefinition;
          if (td) checkServiceRegistries(input.serviceRegistries ?? s.serviceRegistries, td, ecs.deps.discovery);
        }
        // A new or changed task definition is checked against the Service Connect configuration it will run with.
        let serviceConnect = primary.serviceConnectConfiguration;
        if (input.serviceConnectConfiguration !== undefined || (input.taskDefinition !== undefined && serviceConnect?.enabled)) {
          const td = findTaskDefinition(tables, tdArn)?.value.taskDefinition;
          const defaults = ecs.activeCluster(input.cluster).value.serviceConnectDefaults?.namespace;
          if (td) {
            serviceConnect = resolveServiceConnect(input.serviceConnectConfiguration ?? serviceConnect, td, defaults, namespaceFinder(ecs.deps.discovery),
              { operation: 'UpdateService', usedElsewhere: discoveryNameUsers(tables, `${cur.clusterName}/${s.serviceName}`) });
          }
        }
        const redeploy =
          input.forceNewDeployment || tdArn !== primary.taskDefinition || input.networkConfiguration !== undefined ||
          input.capacityProviderStrategy !== undefined || input.loadBalancers !== undefined || input.platformVersion !== undefined ||
          input.serviceRegistries !== undefined || input.serviceConnectConfiguration !== undefined;
        let deployments = cur.deployments.map((d, i) => (i === 0 ? { ...d, desiredCount: desired } : d));
        let launch: Partial<Deployment> = {};
        if (redeploy) {
          const dep = deployment(cur.clusterName, tdArn, {
            launchType: input.capacityProviderStrategy ? undefined : primary.launchType,
            capacityProviderStrategy: input.capacityProviderStrategy ?? primary.capacityProviderStrategy,
            networkConfiguration: input.networkConfiguration ?? primary.networkConfiguration,
            platformVersion: input.platformVersion ?? primary.platformVersion,
          }, desired, ctx.now);
          deployments = [{ ...dep, serviceConnectConfiguration: serviceConnect }, ...deployments.map((d) => ({ ...d, status: 'ACTIVE' }))];
          launch = dep;
        }
        let rec: ServiceRecord = {
          ...cur,
          deployments,
          steady: redeploy || desired !== s.desiredCount ? false : cur.steady,
          service: {
            ...s,
            desiredCount: desired,
            taskDefinition: deployments[0]!.taskDefinition,
            launchType: redeploy ? launch.launchType : s.launchType,
            capacityProviderStrategy: redeploy ? launch.capacityProviderStrategy : s.capacityProviderStrategy,
            platformVersion: redeploy ? launch.platformVersion : s.platformVersion,
            deploymentConfiguration: config,
            networkConfiguration: input.networkConfiguration ?? s.networkConfiguration,
            ...keptSettings(input, s),
            loadBalancers: input.loadBalancers ?? s.loadBalancers,
            serviceRegistries: input.serviceRegistries ?? s.serviceRegistries,
            availabilityZoneRebalancing: input.availabilityZoneRebalancing ?? s.availabilityZoneRebalancing,
          },
        };
        if (redeploy) rec = startServiceDeployment(rec, deployments[0]!, findTaskDefinition(tables, tdArn)?.value.taskDefinition, ctx.now);
        return { txn: new Txn().put(tables.services, row.id, rec, row.modRevision), result: { service: present(rec) } };
      });
    },

    async DeleteService(input: DeleteServiceRequest): Promise<DeleteServiceResponse> {
      return ecs.cache.update(() => {
        const row = find(input.cluster, input.service);
        const s = row.value.service;
        if (s.status !== 'ACTIVE') throw new ServiceNotActive('Service was not ACTIVE.');
        if (s.schedulingStrategy !== 'DAEMON' && (s.desiredCount ?? 0) > 0 && !input.force) {
          throw new InvalidParameter('The service cannot be stopped while it is scaled above 0.');
        }
        const rec: ServiceRecord = {
          ...row.value,
          steady: false,
          service: { ...s, status: 'DRAINING', desiredCount: 0 },
          deployments: row.value.deployments.map((d, i) => (i === 0 ? { ...d, desiredCount: 0 } : d)),
        };
        return { txn: new Txn().put(tables.services, row.id, rec, row.modRevision), result: { service: present(rec) } };
      });
    },
  };
}

const NO_CODE_DEPLOY = 'The CODE_DEPLOY deployment controller is not supported: Wharf has no CodeDeploy. Use ECS, or EXTERNAL with task sets.';

/** What an EXTERNAL service cannot be created with: what its tasks run comes from its task sets. */
function checkExternalService(input: CreateServiceRequest, scheduling: string): void {
  if (scheduling === 'DAEMON') throw new InvalidParameter('The DAEMON scheduling strategy does not support the EXTERNAL deployment controller.');
  for (const k of ['taskDefinition', 'loadBalancers', 'serviceRegistries', 'serviceConnectConfiguration'] as const) {
    const v = input[k];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) {
      throw new InvalidParameter(`${k} cannot be specified for a service with the EXTERNAL deployment controller: specify it on a task set (CreateTaskSet).`);
    }
  }
  const strategy = input.deploymentConfiguration?.strategy;
  if (strategy && strategy !== 'ROLLING') throw new InvalidParameter(`The ${strategy} deployment strategy requires the ECS deployment controller.`);
}

/** The settings UpdateService changes in place under either controller: each kept unless the request gives it. */
function keptSettings(input: UpdateServiceRequest, s: ServiceRecord['service']) {
  return {
    placementConstraints: input.placementConstraints ?? s.placementConstraints,
    placementStrategy: input.placementStrategy ?? s.placementStrategy,
    healthCheckGracePeriodSeconds: input.healthCheckGracePeriodSeconds ?? s.healthCheckGracePeriodSeconds,
    enableExecuteCommand: input.enableExecuteCommand ?? s.enableExecuteCommand,
    enableECSManagedTags: input.enableECSManagedTags ?? s.enableECSManagedTags,
    propagateTags: input.propagateTags ?? s.propagateTags,
  };
}

function checkPercents(min: number, max: number): void {
  if (min < 0 || min > 100) throw new InvalidParameter('minimumHealthyPercent must be between 0 and 100.');
  if (max < 100 && max < min) throw new InvalidParameter('maximumPercent must be greater than or equal to minimumHealthyPercent.');
}
