// Conformance of the other services Wharf serves (ELBv2, ECR, CloudWatch Logs, Application Auto Scaling),
// table-driven as the ECS table is: each row an operation, its input, and what AWS answers (the SDK's error name and
// the message, or response members), with the AWS reference page it comes from. Rows of a service run in order
// against one Wharf (`wharf server`, no agent), so a row may use what earlier rows created (`ctx`).
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import * as aas from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import * as logs from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import * as ecr from '@aws-sdk/client-ecr';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, TEST_CREDENTIALS, type Wharf } from './harness.js';

type Ctx = Record<string, string>;

interface Row {
  title: string;
  operation: string;
  input: unknown | ((ctx: Ctx) => unknown);
  /** Expected error: the SDK's error name and the message (exact, or a pattern). */
  error?: { name: string; message: string | RegExp };
  /** Expected members of a successful response (toMatchObject). */
  output?: unknown;
  /** Keeps something from the response for later rows. */
  keep?: (out: any, ctx: Ctx) => void;
  source: string;
}

const ACCOUNT = '000000000000';
const ELB = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference';
const ECR = 'https://docs.aws.amazon.com/AmazonECR/latest/APIReference';
const LOGS = 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference';
const AAS = 'https://docs.aws.amazon.com/autoscaling/application/APIReference';

const ELB_ROWS: Row[] = [
  { title: 'a load balancer name that does not exist', operation: 'DescribeLoadBalancers', input: { Names: ['nope'] }, error: { name: 'LoadBalancerNotFoundException', message: "Load balancers '[nope]' not found" }, source: `${ELB}/API_DescribeLoadBalancers.html` },
  { title: 'a target group name that does not exist', operation: 'DescribeTargetGroups', input: { Names: ['nope'] }, error: { name: 'TargetGroupNotFoundException', message: 'One or more target groups not found' }, source: `${ELB}/API_DescribeTargetGroups.html` },
  { title: 'set-up: a load balancer', operation: 'CreateLoadBalancer', input: { Name: 'conf' }, output: { LoadBalancers: [{ LoadBalancerName: 'conf', Type: 'application', Scheme: 'internet-facing' }] }, keep: (o, c) => (c.lb = o.LoadBalancers[0].LoadBalancerArn), source: `${ELB}/API_CreateLoadBalancer.html` },
  {
    title: 'set-up: a target group, with the defaults AWS fills in',
    operation: 'CreateTargetGroup',
    input: { Name: 'conf', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-1', TargetType: 'ip' },
    output: { TargetGroups: [{ HealthCheckProtocol: 'HTTP', HealthCheckPort: 'traffic-port', HealthCheckPath: '/', HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 5, UnhealthyThresholdCount: 2, Matcher: { HttpCode: '200' } }] },
    keep: (o, c) => (c.tg = o.TargetGroups[0].TargetGroupArn),
    source: `${ELB}/API_CreateTargetGroup.html`,
  },
  { title: 'a second target group with the same name and other settings', operation: 'CreateTargetGroup', input: { Name: 'conf', Protocol: 'HTTP', Port: 81, VpcId: 'vpc-1', TargetType: 'ip' }, error: { name: 'DuplicateTargetGroupNameException', message: "A target group with the same name 'conf' exists, but with different settings" }, source: `${ELB}/API_CreateTargetGroup.html` },
  { title: 'a health check interval under 5 seconds', operation: 'CreateTargetGroup', input: { Name: 'fast', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-1', TargetType: 'ip', HealthCheckIntervalSeconds: 1 }, error: { name: 'ValidationError', message: "1 validation error detected: Value '1' at 'healthCheckIntervalSeconds' failed to satisfy constraint: Member must have value greater than or equal to 5" }, source: `${ELB}/API_CreateTargetGroup.html` },
  { title: 'set-up: a listener', operation: 'CreateListener', input: (c: Ctx) => ({ LoadBalancerArn: c.lb, Protocol: 'HTTP', Port: 8081, DefaultActions: [{ Type: 'forward', TargetGroupArn: c.tg }] }), keep: (o, c) => (c.listener = o.Listeners[0].ListenerArn), source: `${ELB}/API_CreateListener.html` },
  { title: 'the same listener again is idempotent', operation: 'CreateListener', input: (c: Ctx) => ({ LoadBalancerArn: c.lb, Protocol: 'HTTP', Port: 8081, DefaultActions: [{ Type: 'forward', TargetGroupArn: c.tg }] }), output: { Listeners: [{ Port: 8081 }] }, source: `${ELB}/API_CreateListener.html` },
  { title: 'set-up: a rule at priority 1', operation: 'CreateRule', input: (c: Ctx) => ({ ListenerArn: c.listener, Priority: 1, Conditions: [{ Field: 'path-pattern', Values: ['/a'] }], Actions: [{ Type: 'forward', TargetGroupArn: c.tg }] }), output: { Rules: [{ Priority: '1', IsDefault: false }] }, source: `${ELB}/API_CreateRule.html` },
  { title: 'a second rule at a priority in use', operation: 'CreateRule', input: (c: Ctx) => ({ ListenerArn: c.listener, Priority: 1, Conditions: [{ Field: 'path-pattern', Values: ['/b'] }], Actions: [{ Type: 'forward', TargetGroupArn: c.tg }] }), error: { name: 'PriorityInUseException', message: "Priority '1' is currently in use" }, source: `${ELB}/API_CreateRule.html` },
  { title: 'a rule priority above 50000', operation: 'CreateRule', input: (c: Ctx) => ({ ListenerArn: c.listener, Priority: 50001, Conditions: [{ Field: 'path-pattern', Values: ['/b'] }], Actions: [{ Type: 'forward', TargetGroupArn: c.tg }] }), error: { name: 'ValidationError', message: "1 validation error detected: Value '50001' at 'priority' failed to satisfy constraint: Member must have value less than or equal to 50000" }, source: `${ELB}/API_CreateRule.html` },
  { title: 'a target group in use cannot be deleted', operation: 'DeleteTargetGroup', input: (c: Ctx) => ({ TargetGroupArn: c.tg }), error: { name: 'ResourceInUseException', message: /^Target group 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup\/conf\/[0-9a-f]{16}' is currently in use by a listener or a rule$/ }, source: `${ELB}/API_DeleteTargetGroup.html` },
  {
    title: 'the health of a target that is not registered',
    operation: 'DescribeTargetHealth',
    input: (c: Ctx) => ({ TargetGroupArn: c.tg, Targets: [{ Id: '127.0.0.9', Port: 80 }] }),
    output: { TargetHealthDescriptions: [{ Target: { Id: '127.0.0.9', Port: 80 }, TargetHealth: { State: 'unused', Reason: 'Target.NotRegistered', Description: 'Target is not registered to the target group' } }] },
    source: `${ELB}/API_TargetHealth.html`,
  },
  { title: 'set-up: a target registered', operation: 'RegisterTargets', input: (c: Ctx) => ({ TargetGroupArn: c.tg, Targets: [{ Id: '127.0.0.9', Port: 80 }] }), output: {}, source: `${ELB}/API_RegisterTargets.html` },
  {
    title: 'a registered target is listed with the port its health is checked on',
    operation: 'DescribeTargetHealth',
    input: (c: Ctx) => ({ TargetGroupArn: c.tg }),
    output: { TargetHealthDescriptions: [{ Target: { Id: '127.0.0.9', Port: 80 }, HealthCheckPort: '80', TargetHealth: { State: expect.stringMatching(/^(initial|unhealthy)$/) } }] },
    source: `${ELB}/API_TargetHealth.html`,
  },
  { title: 'a target group attribute that does not exist', operation: 'ModifyTargetGroupAttributes', input: (c: Ctx) => ({ TargetGroupArn: c.tg, Attributes: [{ Key: 'foo', Value: '1' }] }), error: { name: 'InvalidConfigurationRequestException', message: "Target group attribute key 'foo' is not recognized" }, source: `${ELB}/API_ModifyTargetGroupAttributes.html` },
  { title: 'a deregistration delay above 3600 seconds', operation: 'ModifyTargetGroupAttributes', input: (c: Ctx) => ({ TargetGroupArn: c.tg, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '5000' }] }), error: { name: 'InvalidConfigurationRequestException', message: "Target group attribute value '5000' is not valid for key 'deregistration_delay.timeout_seconds'" }, source: `${ELB}/API_TargetGroupAttribute.html` },
  { title: 'an idle timeout of 0', operation: 'ModifyLoadBalancerAttributes', input: (c: Ctx) => ({ LoadBalancerArn: c.lb, Attributes: [{ Key: 'idle_timeout.timeout_seconds', Value: '0' }] }), error: { name: 'InvalidConfigurationRequestException', message: "Load balancer attribute value '0' is not valid for key 'idle_timeout.timeout_seconds'" }, source: `${ELB}/API_LoadBalancerAttribute.html` },
  { title: 'deleting a load balancer that does not exist succeeds', operation: 'DeleteLoadBalancer', input: { LoadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/nope/0123456789abcdef` }, output: {}, source: `${ELB}/API_DeleteLoadBalancer.html` },
];

const repoMissing = (name: string) => `The repository with name '${name}' does not exist in the registry with id '${ACCOUNT}'`;
const ECR_ROWS: Row[] = [
  { title: 'a repository that does not exist', operation: 'DescribeRepositories', input: { repositoryNames: ['nope'] }, error: { name: 'RepositoryNotFoundException', message: repoMissing('nope') }, source: `${ECR}/API_DescribeRepositories.html` },
  { title: 'set-up: a repository, with the defaults AWS fills in', operation: 'CreateRepository', input: { repositoryName: 'conf' }, output: { repository: { repositoryName: 'conf', registryId: ACCOUNT, imageTagMutability: 'MUTABLE', repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/conf` } }, source: `${ECR}/API_CreateRepository.html` },
  { title: 'a repository that exists already', operation: 'CreateRepository', input: { repositoryName: 'conf' }, error: { name: 'RepositoryAlreadyExistsException', message: `The repository with name 'conf' already exists in the registry with id '${ACCOUNT}'` }, source: `${ECR}/API_CreateRepository.html` },
  { title: 'a repository name with capitals', operation: 'CreateRepository', input: { repositoryName: 'UPPER' }, error: { name: 'InvalidParameterException', message: /^1 validation error detected: Value 'UPPER' at 'repositoryName' failed to satisfy constraint: Member must satisfy regular expression pattern: / }, source: `${ECR}/API_CreateRepository.html` },
  {
    title: 'BatchGetImage of a tag that does not exist is a failure, not an error',
    operation: 'BatchGetImage',
    input: { repositoryName: 'conf', imageIds: [{ imageTag: 'nope' }] },
    output: { images: [], failures: [{ imageId: { imageTag: 'nope' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }] },
    source: `${ECR}/API_BatchGetImage.html`,
  },
  {
    title: 'BatchGetImage of a malformed digest',
    operation: 'BatchGetImage',
    input: { repositoryName: 'conf', imageIds: [{ imageDigest: 'sha256:zz' }] },
    output: { images: [], failures: [{ imageId: { imageDigest: 'sha256:zz' }, failureCode: 'InvalidImageDigest' }] },
    source: `${ECR}/API_ImageFailure.html`,
  },
  { title: 'BatchGetImage in a repository that does not exist', operation: 'BatchGetImage', input: { repositoryName: 'nope', imageIds: [{ imageTag: 'x' }] }, error: { name: 'RepositoryNotFoundException', message: repoMissing('nope') }, source: `${ECR}/API_BatchGetImage.html` },
  {
    title: 'BatchDeleteImage of a tag that does not exist is a failure, not an error',
    operation: 'BatchDeleteImage',
    input: { repositoryName: 'conf', imageIds: [{ imageTag: 'nope' }] },
    output: { imageIds: [], failures: [{ imageId: { imageTag: 'nope' }, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }] },
    source: `${ECR}/API_BatchDeleteImage.html`,
  },
  { title: 'DescribeImages of a tag that does not exist', operation: 'DescribeImages', input: { repositoryName: 'conf', imageIds: [{ imageTag: 'nope' }] }, error: { name: 'ImageNotFoundException', message: `The image with imageId {imageDigest:'null', imageTag:'nope'} does not exist within the repository with name 'conf' in the registry with id '${ACCOUNT}'` }, source: `${ECR}/API_DescribeImages.html` },
  { title: 'a repository policy that was never set', operation: 'GetRepositoryPolicy', input: { repositoryName: 'conf' }, error: { name: 'RepositoryPolicyNotFoundException', message: `Repository policy does not exist for the repository with name 'conf' in the registry with id '${ACCOUNT}'` }, source: `${ECR}/API_GetRepositoryPolicy.html` },
  { title: 'a lifecycle policy that was never set', operation: 'GetLifecyclePolicy', input: { repositoryName: 'conf' }, error: { name: 'LifecyclePolicyNotFoundException', message: `Lifecycle policy does not exist for the repository with name 'conf' in the registry with id '${ACCOUNT}'` }, source: `${ECR}/API_GetLifecyclePolicy.html` },
  { title: 'tags made immutable', operation: 'PutImageTagMutability', input: { repositoryName: 'conf', imageTagMutability: 'IMMUTABLE' }, output: { registryId: ACCOUNT, repositoryName: 'conf', imageTagMutability: 'IMMUTABLE' }, source: `${ECR}/API_PutImageTagMutability.html` },
  { title: 'deleting a repository that does not exist', operation: 'DeleteRepository', input: { repositoryName: 'nope' }, error: { name: 'RepositoryNotFoundException', message: repoMissing('nope') }, source: `${ECR}/API_DeleteRepository.html` },
];

const LOGS_ROWS: Row[] = [
  { title: 'set-up: a log group', operation: 'CreateLogGroup', input: { logGroupName: 'conf' }, output: {}, source: `${LOGS}/API_CreateLogGroup.html` },
  { title: 'a log group that exists already', operation: 'CreateLogGroup', input: { logGroupName: 'conf' }, error: { name: 'ResourceAlreadyExistsException', message: 'The specified log group already exists' }, source: `${LOGS}/API_CreateLogGroup.html` },
  { title: 'the streams of a log group that does not exist', operation: 'DescribeLogStreams', input: { logGroupName: 'nope' }, error: { name: 'ResourceNotFoundException', message: 'The specified log group does not exist.' }, source: `${LOGS}/API_DescribeLogStreams.html` },
  { title: 'set-up: a log stream', operation: 'CreateLogStream', input: { logGroupName: 'conf', logStreamName: 's' }, output: {}, source: `${LOGS}/API_CreateLogStream.html` },
  { title: 'a log stream that exists already', operation: 'CreateLogStream', input: { logGroupName: 'conf', logStreamName: 's' }, error: { name: 'ResourceAlreadyExistsException', message: 'The specified log stream already exists' }, source: `${LOGS}/API_CreateLogStream.html` },
  { title: 'events to a stream that does not exist', operation: 'PutLogEvents', input: { logGroupName: 'conf', logStreamName: 'nope', logEvents: [{ timestamp: Date.now(), message: 'x' }] }, error: { name: 'ResourceNotFoundException', message: 'The specified log stream does not exist.' }, source: `${LOGS}/API_PutLogEvents.html` },
  {
    title: 'a wrong sequence token is ignored, as AWS does since 2023',
    operation: 'PutLogEvents',
    input: { logGroupName: 'conf', logStreamName: 's', sequenceToken: 'bogus', logEvents: [{ timestamp: Date.now() - 2, message: 'first' }, { timestamp: Date.now() - 1, message: 'second' }] },
    output: {},
    source: `${LOGS}/API_PutLogEvents.html`,
  },
  {
    title: 'GetLogEvents from the head, one at a time, with forward and backward tokens',
    operation: 'GetLogEvents',
    input: { logGroupName: 'conf', logStreamName: 's', startFromHead: true, limit: 1 },
    output: { events: [{ message: 'first' }], nextForwardToken: expect.stringMatching(/^f\//), nextBackwardToken: expect.stringMatching(/^b\//) },
    keep: (o, c) => (c.forward = o.nextForwardToken),
    source: `${LOGS}/API_GetLogEvents.html`,
  },
  { title: 'the forward token reads the next event', operation: 'GetLogEvents', input: (c: Ctx) => ({ logGroupName: 'conf', logStreamName: 's', nextToken: c.forward, limit: 1 }), output: { events: [{ message: 'second' }] }, source: `${LOGS}/API_GetLogEvents.html` },
  { title: 'the events of a stream that does not exist', operation: 'GetLogEvents', input: { logGroupName: 'conf', logStreamName: 'nope' }, error: { name: 'ResourceNotFoundException', message: 'The specified log stream does not exist.' }, source: `${LOGS}/API_GetLogEvents.html` },
  { title: 'a retention that is not one of the allowed values', operation: 'PutRetentionPolicy', input: { logGroupName: 'conf', retentionInDays: 2 }, error: { name: 'InvalidParameterException', message: /^1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: \[1, 3, 5, 7, 14, 30,/ }, source: `${LOGS}/API_PutRetentionPolicy.html` },
  { title: 'deleting a log group that does not exist', operation: 'DeleteLogGroup', input: { logGroupName: 'nope' }, error: { name: 'ResourceNotFoundException', message: 'The specified log group does not exist.' }, source: `${LOGS}/API_DeleteLogGroup.html` },
  { title: 'deleting a log stream that does not exist', operation: 'DeleteLogStream', input: { logGroupName: 'conf', logStreamName: 'nope' }, error: { name: 'ResourceNotFoundException', message: 'The specified log stream does not exist.' }, source: `${LOGS}/API_DeleteLogStream.html` },
  {
    title: 'DescribeLogGroups reports stored bytes, metric filters and the class',
    operation: 'DescribeLogGroups',
    input: { logGroupNamePrefix: 'conf' },
    output: { logGroups: [{ logGroupName: 'conf', metricFilterCount: 0, storedBytes: expect.any(Number), logGroupClass: 'STANDARD', arn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:conf:*` }] },
    source: `${LOGS}/API_LogGroup.html`,
  },
];

const TARGET = { ServiceNamespace: 'ecs', ResourceId: 'service/default/nope', ScalableDimension: 'ecs:service:DesiredCount' } as const;
const AAS_ROWS: Row[] = [
  { title: 'a scalable target for a service that does not exist', operation: 'RegisterScalableTarget', input: { ...TARGET, MinCapacity: 1, MaxCapacity: 2 }, error: { name: 'ValidationException', message: "ECS service doesn't exist: service/default/nope" }, source: `${AAS}/API_RegisterScalableTarget.html` },
  {
    title: 'a policy on a target that is not registered',
    operation: 'PutScalingPolicy',
    input: { ...TARGET, PolicyName: 'p', PolicyType: 'TargetTrackingScaling', TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } } },
    error: { name: 'ObjectNotFoundException', message: 'No scalable target registered for service namespace: ecs, resource ID: service/default/nope, scalable dimension: ecs:service:DesiredCount' },
    source: `${AAS}/API_PutScalingPolicy.html`,
  },
  { title: 'deleting a policy that does not exist', operation: 'DeleteScalingPolicy', input: { ...TARGET, PolicyName: 'p' }, error: { name: 'ObjectNotFoundException', message: 'No scaling policy found for service namespace: ecs, resource ID: service/default/nope, scalable dimension: ecs:service:DesiredCount, policy name: p' }, source: `${AAS}/API_DeleteScalingPolicy.html` },
  { title: 'deregistering a target that is not registered', operation: 'DeregisterScalableTarget', input: TARGET, error: { name: 'ObjectNotFoundException', message: 'No scalable target registered for service namespace: ecs, resource ID: service/default/nope, scalable dimension: ecs:service:DesiredCount' }, source: `${AAS}/API_DeregisterScalableTarget.html` },
  { title: 'no scalable targets yet', operation: 'DescribeScalableTargets', input: { ServiceNamespace: 'ecs' }, output: { ScalableTargets: [] }, source: `${AAS}/API_DescribeScalableTargets.html` },
];

const SERVICES: { name: string; make: (w: Wharf) => { send: (c: any) => Promise<any> }; commands: Record<string, any>; rows: Row[] }[] = [
  { name: 'ELBv2', make: (w) => new ElasticLoadBalancingV2Client(config(w)), commands: elb, rows: ELB_ROWS },
  { name: 'ECR', make: (w) => new ECRClient(config(w)), commands: ecr, rows: ECR_ROWS },
  { name: 'CloudWatch Logs', make: (w) => new CloudWatchLogsClient(config(w)), commands: logs, rows: LOGS_ROWS },
  { name: 'Application Auto Scaling', make: (w) => new ApplicationAutoScalingClient(config(w)), commands: aas, rows: AAS_ROWS },
];

function config(w: Wharf) {
  return { endpoint: w.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 };
}

let wharf: Wharf;
beforeAll(async () => {
  wharf = await startWharf();
});
afterAll(async () => {
  await wharf?.stop();
});

for (const service of SERVICES) {
  const ops = new Set(service.rows.map((r) => r.operation));
  describe(`${service.name} conformance (${service.rows.length} rows, ${ops.size} operations)`, () => {
    const ctx: Ctx = {};
    for (const row of service.rows) {
      it(`${row.operation}: ${row.title}`, async () => {
        const client = service.make(wharf);
        const Command = service.commands[`${row.operation}Command`];
        const input = typeof row.input === 'function' ? (row.input as (c: Ctx) => unknown)(ctx) : row.input;
        let out: any;
        let err: any;
        try {
          out = await client.send(new Command(input));
        } catch (e) {
          err = e;
        }
        if (row.error) {
          expect(err, `expected ${row.error.name}, got ${JSON.stringify(out)}`).toBeDefined();
          expect(err.name).toBe(row.error.name);
          if (typeof row.error.message === 'string') expect(err.message).toBe(row.error.message);
          else expect(err.message).toMatch(row.error.message);
          return;
        }
        if (err) throw err;
        if (row.output) expect(out).toMatchObject(row.output as object);
        row.keep?.(out, ctx);
      });
    }
  });
}
