// ECS conformance, table-driven: each row is an operation, its input, and what ECS answers (an error code and
// message, or response members), with the AWS reference page it comes from. Rows run in order against one Wharf
// (`wharf server`, no agent), so a row may rely on what earlier rows created.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, type Wharf } from './harness.js';
import { ecsCall } from './signing.js';

const API = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference';
const ACCOUNT = '000000000000';
const SERVICE_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:service/conf/web`;

interface Row {
  /** What the row shows, as a test title. */
  title: string;
  operation: string;
  input: unknown;
  /** Expected error: code and message (exact), or undefined for success. */
  error?: { code: string; message: string };
  /** Expected members of a successful response (checked with toMatchObject). */
  output?: unknown;
  source: string;
}

const ROWS: Row[] = [
  { title: 'set-up: a cluster', operation: 'CreateCluster', input: { clusterName: 'conf' }, output: { cluster: { clusterName: 'conf' } }, source: `${API}/API_CreateCluster.html` },
  {
    title: 'set-up: a task definition',
    operation: 'RegisterTaskDefinition',
    input: { family: 'conf', containerDefinitions: [{ name: 'web', image: 'busybox', memory: 64 }] },
    output: { taskDefinition: { revision: 1 } },
    source: `${API}/API_RegisterTaskDefinition.html`,
  },
  {
    title: 'set-up: a service with a tag',
    operation: 'CreateService',
    input: { cluster: 'conf', serviceName: 'web', taskDefinition: 'conf:1', desiredCount: 0, tags: [{ key: 'team', value: 'web' }] },
    output: { service: { serviceArn: SERVICE_ARN } },
    source: `${API}/API_CreateService.html`,
  },
  {
    title: 'ListTagsForResource on a service (long ARN) lists its tags',
    operation: 'ListTagsForResource',
    input: { resourceArn: SERVICE_ARN },
    output: { tags: [{ key: 'team', value: 'web' }] },
    source: `${API}/API_ListTagsForResource.html`,
  },
  {
    title: 'TagResource tags a service',
    operation: 'TagResource',
    input: { resourceArn: SERVICE_ARN, tags: [{ key: 'env', value: 'dev' }] },
    output: {},
    source: `${API}/API_TagResource.html`,
  },
  {
    title: 'UntagResource untags a service',
    operation: 'UntagResource',
    input: { resourceArn: SERVICE_ARN, tagKeys: ['team'] },
    output: {},
    source: `${API}/API_UntagResource.html`,
  },
  {
    title: "a service's tags after tagging and untagging",
    operation: 'ListTagsForResource',
    input: { resourceArn: SERVICE_ARN },
    output: { tags: [{ key: 'env', value: 'dev' }] },
    source: `${API}/API_ListTagsForResource.html`,
  },
  {
    title: 'DescribeServices include TAGS shows the tags written by TagResource',
    operation: 'DescribeServices',
    input: { cluster: 'conf', services: ['web'], include: ['TAGS'] },
    output: { services: [{ tags: [{ key: 'env', value: 'dev' }] }] },
    source: `${API}/API_DescribeServices.html`,
  },
  {
    title: 'a short service ARN cannot be tagged',
    operation: 'TagResource',
    input: { resourceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/web`, tags: [{ key: 'a', value: 'b' }] },
    error: { code: 'InvalidParameterException', message: 'Long arn format must be used for tagging operations' },
    source: `${API}/API_TagResource.html`,
  },
  {
    title: 'a service that does not exist cannot be tagged',
    operation: 'TagResource',
    input: { resourceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/conf/nope`, tags: [{ key: 'a', value: 'b' }] },
    error: { code: 'ResourceNotFoundException', message: 'The specified resource could not be found.' },
    source: `${API}/API_TagResource.html`,
  },
  {
    title: 'DescribeTasks with no tasks',
    operation: 'DescribeTasks',
    input: { cluster: 'conf', tasks: [] },
    error: { code: 'InvalidParameterException', message: 'Tasks cannot be empty.' },
    source: `${API}/API_DescribeTasks.html`,
  },
  {
    title: 'DescribeContainerInstances with no container instances',
    operation: 'DescribeContainerInstances',
    input: { cluster: 'conf', containerInstances: [] },
    error: { code: 'InvalidParameterException', message: 'Container Instances cannot be empty.' },
    source: `${API}/API_DescribeContainerInstances.html`,
  },
  {
    title: 'DescribeServices says who manages the service',
    operation: 'DescribeServices',
    input: { cluster: 'conf', services: ['web'] },
    output: { services: [{ serviceName: 'web', resourceManagementType: 'CUSTOMER' }], failures: [] },
    source: `${API}/API_Service.html`,
  },
  {
    title: 'ListServices filtered on resourceManagementType CUSTOMER lists user-created services',
    operation: 'ListServices',
    input: { cluster: 'conf', resourceManagementType: 'CUSTOMER' },
    output: { serviceArns: [SERVICE_ARN] },
    source: `${API}/API_ListServices.html`,
  },
  {
    title: 'ListServices filtered on resourceManagementType ECS lists no ECS-managed services',
    operation: 'ListServices',
    input: { cluster: 'conf', resourceManagementType: 'ECS' },
    output: { serviceArns: [] },
    source: `${API}/API_ListServices.html`,
  },
  {
    title: 'ListTasks for a daemon that does not exist lists nothing',
    operation: 'ListTasks',
    input: { cluster: 'conf', daemonName: 'nope' },
    output: { taskArns: [] },
    source: `${API}/API_ListTasks.html`,
  },
  {
    title: 'UpdateContainerAgent on an instance that does not exist',
    operation: 'UpdateContainerAgent',
    input: { cluster: 'conf', containerInstance: '0123456789abcdef0123456789abcdef' },
    error: { code: 'InvalidParameterException', message: 'The referenced container instance was not found.' },
    source: `${API}/API_UpdateContainerAgent.html`,
  },
  {
    title: 'UpdateContainerAgent in a cluster that does not exist',
    operation: 'UpdateContainerAgent',
    input: { cluster: 'nope', containerInstance: '0123456789abcdef0123456789abcdef' },
    error: { code: 'ClusterNotFoundException', message: 'Cluster not found.' },
    source: `${API}/API_UpdateContainerAgent.html`,
  },
  {
    title: 'DescribeCapacityProviders lists the FARGATE and FARGATE_SPOT providers every account has',
    operation: 'DescribeCapacityProviders',
    input: {},
    output: {
      capacityProviders: [
        { name: 'FARGATE', status: 'ACTIVE', capacityProviderArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:capacity-provider/FARGATE` },
        { name: 'FARGATE_SPOT', status: 'ACTIVE', capacityProviderArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:capacity-provider/FARGATE_SPOT` },
      ],
      failures: [],
    },
    source: `${API}/API_DescribeCapacityProviders.html`,
  },
  {
    title: 'DescribeCapacityProviders names one that does not exist as a MISSING failure',
    operation: 'DescribeCapacityProviders',
    input: { capacityProviders: ['FARGATE', 'nope'] },
    output: {
      capacityProviders: [{ name: 'FARGATE' }],
      failures: [{ arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:capacity-provider/nope`, reason: 'MISSING' }],
    },
    source: `${API}/API_DescribeCapacityProviders.html`,
  },
  // Lookups: a missing cluster comes before anything else, then the missing resource.
  { title: 'DescribeServices in a cluster that does not exist', operation: 'DescribeServices', input: { cluster: 'nope', services: ['web'] }, error: { code: 'ClusterNotFoundException', message: 'Cluster not found.' }, source: `${API}/API_DescribeServices.html` },
  { title: 'DescribeServices with no services', operation: 'DescribeServices', input: { cluster: 'conf', services: [] }, error: { code: 'InvalidParameterException', message: 'Services cannot be empty.' }, source: `${API}/API_DescribeServices.html` },
  {
    title: 'DescribeServices names a service that does not exist as a MISSING failure',
    operation: 'DescribeServices',
    input: { cluster: 'conf', services: ['nope'] },
    output: { services: [], failures: [{ arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/conf/nope`, reason: 'MISSING' }] },
    source: `${API}/API_DescribeServices.html`,
  },
  {
    title: 'DescribeClusters names a cluster that does not exist as a MISSING failure',
    operation: 'DescribeClusters',
    input: { clusters: ['nope'] },
    output: { clusters: [], failures: [{ arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/nope`, reason: 'MISSING' }] },
    source: `${API}/API_DescribeClusters.html`,
  },
  {
    title: 'DescribeTasks names a task that does not exist as a MISSING failure',
    operation: 'DescribeTasks',
    input: { cluster: 'conf', tasks: ['0123456789abcdef0123456789abcdef'] },
    output: { tasks: [], failures: [{ arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task/conf/0123456789abcdef0123456789abcdef`, reason: 'MISSING' }] },
    source: `${API}/API_DescribeTasks.html`,
  },
  { title: 'UpdateService on a service that does not exist', operation: 'UpdateService', input: { cluster: 'conf', service: 'nope', desiredCount: 1 }, error: { code: 'ServiceNotFoundException', message: 'Service not found.' }, source: `${API}/API_UpdateService.html` },
  { title: 'DeleteService on a service that does not exist', operation: 'DeleteService', input: { cluster: 'conf', service: 'nope' }, error: { code: 'ServiceNotFoundException', message: 'Service not found.' }, source: `${API}/API_DeleteService.html` },
  { title: 'ListServices in a cluster that does not exist', operation: 'ListServices', input: { cluster: 'nope' }, error: { code: 'ClusterNotFoundException', message: 'Cluster not found.' }, source: `${API}/API_ListServices.html` },
  { title: 'ListTasks in a cluster that does not exist', operation: 'ListTasks', input: { cluster: 'nope' }, error: { code: 'ClusterNotFoundException', message: 'Cluster not found.' }, source: `${API}/API_ListTasks.html` },
  { title: 'DeleteCluster on a cluster that does not exist', operation: 'DeleteCluster', input: { cluster: 'nope' }, error: { code: 'ClusterNotFoundException', message: 'Cluster not found.' }, source: `${API}/API_DeleteCluster.html` },
  { title: 'DescribeTaskDefinition of one that does not exist', operation: 'DescribeTaskDefinition', input: { taskDefinition: 'nope:1' }, error: { code: 'ClientException', message: 'Unable to describe task definition.' }, source: `${API}/API_DescribeTaskDefinition.html` },
  { title: 'RunTask of a task definition that does not exist', operation: 'RunTask', input: { cluster: 'conf', taskDefinition: 'nope:1' }, error: { code: 'ClientException', message: 'Unable to describe task definition.' }, source: `${API}/API_RunTask.html` },
  { title: 'StopTask of a task that does not exist', operation: 'StopTask', input: { cluster: 'conf', task: '0123456789abcdef0123456789abcdef' }, error: { code: 'InvalidParameterException', message: 'The referenced task was not found.' }, source: `${API}/API_StopTask.html` },
  // Validation.
  { title: 'RegisterTaskDefinition with no containers', operation: 'RegisterTaskDefinition', input: { family: 'empty', containerDefinitions: [] }, error: { code: 'ClientException', message: 'Container list cannot be empty.' }, source: `${API}/API_RegisterTaskDefinition.html` },
  {
    title: 'RegisterTaskDefinition for EC2 with a container that has no memory',
    operation: 'RegisterTaskDefinition',
    input: { family: 'nomem', containerDefinitions: [{ name: 'web', image: 'busybox' }] },
    error: { code: 'ClientException', message: "Invalid setting for container 'web'. At least one of 'memory' or 'memoryReservation' must be specified." },
    source: `${API}/API_ContainerDefinition.html`,
  },
  {
    title: 'RunTask on FARGATE of a task definition not compatible with it',
    operation: 'RunTask',
    input: { cluster: 'conf', taskDefinition: 'conf:1', launchType: 'FARGATE' },
    error: { code: 'ClientException', message: 'Task definition does not support launch_type FARGATE.' },
    source: `${API}/API_RunTask.html`,
  },
  {
    title: 'CreateService again with the same name and other settings',
    operation: 'CreateService',
    input: { cluster: 'conf', serviceName: 'web', taskDefinition: 'conf:1', desiredCount: 2 },
    error: { code: 'InvalidParameterException', message: 'Creation of service was not idempotent.' },
    source: `${API}/API_CreateService.html`,
  },
  { title: 'set-up: the service scaled to one', operation: 'UpdateService', input: { cluster: 'conf', service: 'web', desiredCount: 1 }, output: { service: { desiredCount: 1 } }, source: `${API}/API_UpdateService.html` },
  {
    title: 'DeleteService of a service scaled above 0, without force',
    operation: 'DeleteService',
    input: { cluster: 'conf', service: 'web' },
    error: { code: 'InvalidParameterException', message: 'The service cannot be stopped while it is scaled above 0.' },
    source: `${API}/API_DeleteService.html`,
  },
  {
    title: 'DeleteCluster while a service is active',
    operation: 'DeleteCluster',
    input: { cluster: 'conf' },
    error: { code: 'ClusterContainsServicesException', message: 'The Cluster cannot be deleted while Services are active.' },
    source: `${API}/API_DeleteCluster.html`,
  },
  { title: 'DeleteService with force drains the service', operation: 'DeleteService', input: { cluster: 'conf', service: 'web', force: true }, output: { service: { status: 'DRAINING', desiredCount: 0 } }, source: `${API}/API_DeleteService.html` },
  { title: 'UpdateService on a deleted service', operation: 'UpdateService', input: { cluster: 'conf', service: 'web', desiredCount: 1 }, error: { code: 'ServiceNotActiveException', message: 'Service was not ACTIVE.' }, source: `${API}/API_UpdateService.html` },
  {
    title: 'DeleteTaskDefinitions of an ACTIVE revision is a failure, not an error',
    operation: 'DeleteTaskDefinitions',
    input: { taskDefinitions: ['conf:1'] },
    output: { taskDefinitions: [], failures: [{ arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/conf:1`, reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.' }] },
    source: `${API}/API_DeleteTaskDefinitions.html`,
  },
  // Container instances, task definitions, task protection and service deployments.
  { title: 'UpdateCluster on a cluster that does not exist', operation: 'UpdateCluster', input: { cluster: 'nope', settings: [{ name: 'containerInsights', value: 'enabled' }] }, error: { code: 'ClusterNotFoundException', message: 'Cluster not found.' }, source: `${API}/API_UpdateCluster.html` },
  { title: 'ListContainerInstances in a cluster that does not exist', operation: 'ListContainerInstances', input: { cluster: 'nope' }, error: { code: 'ClusterNotFoundException', message: 'Cluster not found.' }, source: `${API}/API_ListContainerInstances.html` },
  { title: 'RegisterContainerInstance in a cluster that does not exist', operation: 'RegisterContainerInstance', input: { cluster: 'nope' }, error: { code: 'ClusterNotFoundException', message: 'Cluster not found.' }, source: `${API}/API_RegisterContainerInstance.html` },
  {
    title: 'DeregisterContainerInstance of an instance that does not exist',
    operation: 'DeregisterContainerInstance',
    input: { cluster: 'conf', containerInstance: '0123456789abcdef0123456789abcdef' },
    error: { code: 'InvalidParameterException', message: 'The referenced container instance was not found.' },
    source: `${API}/API_DeregisterContainerInstance.html`,
  },
  {
    title: 'UpdateContainerInstancesState names an instance that does not exist as a MISSING failure',
    operation: 'UpdateContainerInstancesState',
    input: { cluster: 'conf', containerInstances: ['0123456789abcdef0123456789abcdef'], status: 'DRAINING' },
    output: { containerInstances: [], failures: [{ arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:container-instance/conf/0123456789abcdef0123456789abcdef`, reason: 'MISSING' }] },
    source: `${API}/API_UpdateContainerInstancesState.html`,
  },
  { title: 'ListTaskDefinitions by family prefix', operation: 'ListTaskDefinitions', input: { familyPrefix: 'conf' }, output: { taskDefinitionArns: [`arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/conf:1`] }, source: `${API}/API_ListTaskDefinitions.html` },
  { title: 'ListTaskDefinitionFamilies by prefix', operation: 'ListTaskDefinitionFamilies', input: { familyPrefix: 'con' }, output: { families: ['conf'] }, source: `${API}/API_ListTaskDefinitionFamilies.html` },
  {
    title: 'GetTaskProtection of a task that does not exist is a failure',
    operation: 'GetTaskProtection',
    input: { cluster: 'conf', tasks: ['0123456789abcdef0123456789abcdef'] },
    output: { protectedTasks: [], failures: [{ arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task/conf/0123456789abcdef0123456789abcdef`, reason: 'TASK_NOT_VALID' }] },
    source: `${API}/API_GetTaskProtection.html`,
  },
  { title: 'ListServiceDeployments of a service that does not exist', operation: 'ListServiceDeployments', input: { cluster: 'conf', service: 'nope' }, error: { code: 'ServiceNotFoundException', message: 'Service not found.' }, source: `${API}/API_ListServiceDeployments.html` },
  {
    title: 'DescribeServiceDeployments names one that does not exist as a MISSING failure',
    operation: 'DescribeServiceDeployments',
    input: { serviceDeploymentArns: [`arn:aws:ecs:us-east-1:${ACCOUNT}:service-deployment/conf/web/nope`] },
    output: { serviceDeployments: [], failures: [{ arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service-deployment/conf/web/nope`, reason: 'MISSING' }] },
    source: `${API}/API_DescribeServiceDeployments.html`,
  },
  {
    title: 'DescribeServiceRevisions names one that does not exist as a MISSING failure',
    operation: 'DescribeServiceRevisions',
    input: { serviceRevisionArns: [`arn:aws:ecs:us-east-1:${ACCOUNT}:service-revision/conf/web/123`] },
    output: { serviceRevisions: [], failures: [{ arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service-revision/conf/web/123`, reason: 'MISSING' }] },
    source: `${API}/API_DescribeServiceRevisions.html`,
  },
  { title: 'set-up: the task definition deregistered', operation: 'DeregisterTaskDefinition', input: { taskDefinition: 'conf:1' }, output: { taskDefinition: { status: 'INACTIVE' } }, source: `${API}/API_DeregisterTaskDefinition.html` },
  {
    title: 'StartTask of an INACTIVE task definition',
    operation: 'StartTask',
    input: { cluster: 'conf', taskDefinition: 'conf:1', containerInstances: ['0123456789abcdef0123456789abcdef'] },
    error: { code: 'ClientException', message: 'TaskDefinition is inactive' },
    source: `${API}/API_StartTask.html`,
  },
  // Account settings, attributes, cluster settings and capacity providers: the shapes of success.
  { title: 'ListClusters lists the clusters', operation: 'ListClusters', input: {}, output: { clusterArns: expect.arrayContaining([`arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/conf`]) }, source: `${API}/API_ListClusters.html` },
  {
    title: 'UpdateClusterSettings answers the cluster with its settings',
    operation: 'UpdateClusterSettings',
    input: { cluster: 'conf', settings: [{ name: 'containerInsights', value: 'enabled' }] },
    output: { cluster: { clusterName: 'conf', settings: [{ name: 'containerInsights', value: 'enabled' }] } },
    source: `${API}/API_UpdateClusterSettings.html`,
  },
  {
    title: 'PutClusterCapacityProviders sets FARGATE as the default strategy',
    operation: 'PutClusterCapacityProviders',
    input: { cluster: 'conf', capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }] },
    output: { cluster: { capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1, base: 0 }] } },
    source: `${API}/API_PutClusterCapacityProviders.html`,
  },
  {
    title: 'PutAccountSetting answers the setting for the calling principal',
    operation: 'PutAccountSetting',
    input: { name: 'containerInsights', value: 'enabled' },
    output: { setting: { name: 'containerInsights', value: 'enabled', principalArn: `arn:aws:iam::${ACCOUNT}:root` } },
    source: `${API}/API_PutAccountSetting.html`,
  },
  {
    title: 'PutAccountSettingDefault answers the account default',
    operation: 'PutAccountSettingDefault',
    input: { name: 'containerInsights', value: 'disabled' },
    output: { setting: { name: 'containerInsights', value: 'disabled' } },
    source: `${API}/API_PutAccountSettingDefault.html`,
  },
  {
    title: 'ListAccountSettings by name',
    operation: 'ListAccountSettings',
    input: { name: 'containerInsights' },
    output: { settings: [{ name: 'containerInsights' }] },
    source: `${API}/API_ListAccountSettings.html`,
  },
  {
    title: 'DeleteAccountSetting answers the setting it deleted',
    operation: 'DeleteAccountSetting',
    input: { name: 'containerInsights' },
    output: { setting: { name: 'containerInsights' } },
    source: `${API}/API_DeleteAccountSetting.html`,
  },
  { title: 'ListAttributes of container instances in a cluster without any', operation: 'ListAttributes', input: { cluster: 'conf', targetType: 'container-instance' }, output: { attributes: [] }, source: `${API}/API_ListAttributes.html` },
  { title: 'ListServicesByNamespace of a namespace no service uses', operation: 'ListServicesByNamespace', input: { namespace: 'unused' }, output: { serviceArns: [] }, source: `${API}/API_ListServicesByNamespace.html` },
  {
    title: 'UpdateTaskProtection of a task that does not exist is a failure',
    operation: 'UpdateTaskProtection',
    input: { cluster: 'conf', tasks: ['0123456789abcdef0123456789abcdef'], protectionEnabled: true },
    output: { protectedTasks: [], failures: [{ arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task/conf/0123456789abcdef0123456789abcdef`, reason: 'TASK_NOT_VALID' }] },
    source: `${API}/API_UpdateTaskProtection.html`,
  },
  { title: 'DiscoverPollEndpoint names the agent endpoint', operation: 'DiscoverPollEndpoint', input: { cluster: 'conf' }, output: { endpoint: expect.stringMatching(/^ws:\/\//) }, source: `${API}/API_DiscoverPollEndpoint.html` },
];

let wharf: Wharf;
beforeAll(async () => {
  wharf = await startWharf();
});
afterAll(async () => {
  await wharf?.stop();
});

describe(`ECS conformance (${ROWS.length} rows, ${new Set(ROWS.map((r) => r.operation)).size} operations)`, () => {
  for (const row of ROWS) {
    it(`${row.operation}: ${row.title}`, async () => {
      const res = await ecsCall(wharf.url, row.operation, row.input);
      if (row.error) {
        expect({ status: res.status, code: res.json().__type, message: res.json().message }).toEqual({
          status: 400,
          code: row.error.code,
          message: row.error.message,
        });
      } else {
        expect(res.status, res.text).toBe(200);
        expect(res.json()).toMatchObject(row.output as object);
      }
    });
  }
});

describe('UpdateContainerAgent on a registered instance', () => {
  it('answers NoUpdateAvailableException: Wharf agents are updated with wharf on their host', async () => {
    const reg = await ecsCall(wharf.url, 'RegisterContainerInstance', { cluster: 'conf', versionInfo: { agentVersion: '1.0.0' } });
    expect(reg.status, reg.text).toBe(200);
    const arn = reg.json().containerInstance.containerInstanceArn as string;
    const res = await ecsCall(wharf.url, 'UpdateContainerAgent', { cluster: 'conf', containerInstance: arn });
    expect(res.status).toBe(400);
    expect(res.json().__type).toBe('NoUpdateAvailableException');
    expect(res.json().message).toMatch(/^There is no update available for your container agent\./);
  });
});
