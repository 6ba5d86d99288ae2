// Service deployments and revisions through the AWS SDK with real containers: a rolling update recorded as a service
// deployment going IN_PROGRESS -> SUCCESSFUL with its source and target revisions, a circuit breaker rollback shown
// as ROLLBACK_IN_PROGRESS -> ROLLBACK_SUCCESSFUL, a rollback asked for with StopServiceDeployment, and the errors.
import {
  ContinueServiceDeploymentCommand,
  CreateServiceCommand,
  DeleteServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp();

const register = async (family: string, version: string, image = BUSYBOX) =>
  (
    await up.ecs.send(
      new RegisterTaskDefinitionCommand({
        family,
        containerDefinitions: [
          {
            name: 'web',
            image,
            memory: 32,
            stopTimeout: 2,
            command: ['sh', '-c', `mkdir -p /w && echo ${version} > /w/index.html && exec httpd -f -p 80 -h /w`],
            portMappings: [{ containerPort: 80, hostPort: 0 }],
          },
        ],
      }),
    )
  ).taskDefinition!.taskDefinitionArn!;

const list = async (service: string) => (await up.ecs.send(new ListServiceDeploymentsCommand({ service }))).serviceDeployments!;
const describeOne = async (arn: string): Promise<ServiceDeployment> =>
  (await up.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }))).serviceDeployments![0]!;
const newest = async (service: string) => describeOne((await list(service))[0]!.serviceDeploymentArn!);
const statusOf = async (service: string) => (await newest(service)).status;
const revisionTd = async (arn: string) =>
  (await up.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [arn] }))).serviceRevisions![0]!.taskDefinition;

describe('service deployments', () => {
  it('records a rolling update as a service deployment from IN_PROGRESS to SUCCESSFUL with its revisions', async () => {
    const v1 = await register('sd-roll', 'v1');
    await up.ecs.send(new CreateServiceCommand({ serviceName: 'sd-roll', taskDefinition: v1, desiredCount: 2 }));
    await expect.poll(() => statusOf('sd-roll'), { timeout: 150_000, interval: 250 }).toBe('SUCCESSFUL');
    const first = await newest('sd-roll');
    expect(first.serviceDeploymentArn).toMatch(/^arn:aws:ecs:[a-z0-9-]+:\d{12}:service-deployment\/default\/sd-roll\/[A-Za-z0-9_-]{22}$/);
    expect(first.sourceServiceRevisions).toEqual([]);
    expect(first.targetServiceRevision).toMatchObject({ requestedTaskCount: 2, runningTaskCount: 2, pendingTaskCount: 0 });
    expect(first.targetServiceRevision!.arn).toMatch(/:service-revision\/default\/sd-roll\/\d{19}$/);
    expect(await revisionTd(first.targetServiceRevision!.arn!)).toBe(v1);

    const v2 = await register('sd-roll', 'v2');
    await up.ecs.send(new UpdateServiceCommand({ service: 'sd-roll', taskDefinition: v2 }));
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const sd = await newest('sd-roll');
          if (sd.serviceDeploymentArn !== first.serviceDeploymentArn) seen.add(sd.status!);
          return sd.status;
        },
        { timeout: 150_000, interval: 100 },
      )
      .toBe('SUCCESSFUL');
    expect(seen).toContain('IN_PROGRESS');
    const second = await newest('sd-roll');
    expect(second.sourceServiceRevisions!.map((r) => r.arn)).toEqual([first.targetServiceRevision!.arn]);
    expect(second.sourceServiceRevisions![0]).toMatchObject({ runningTaskCount: 0 });
    expect(second.targetServiceRevision).toMatchObject({ runningTaskCount: 2 });
    expect(await revisionTd(second.targetServiceRevision!.arn!)).toBe(v2);
    expect(second.startedAt!.getTime()).toBeLessThanOrEqual(second.finishedAt!.getTime());
    expect(second.deploymentCircuitBreaker).toMatchObject({ status: 'DISABLED' });

    // Listing: newest first, filters and paging.
    const all = await list('sd-roll');
    expect(all.map((b) => b.serviceDeploymentArn)).toEqual([second.serviceDeploymentArn, first.serviceDeploymentArn]);
    const page1 = await up.ecs.send(new ListServiceDeploymentsCommand({ service: 'sd-roll', maxResults: 1 }));
    expect(page1.serviceDeployments!.map((b) => b.serviceDeploymentArn)).toEqual([second.serviceDeploymentArn]);
    const page2 = await up.ecs.send(new ListServiceDeploymentsCommand({ service: 'sd-roll', maxResults: 1, nextToken: page1.nextToken }));
    expect(page2.serviceDeployments!.map((b) => b.serviceDeploymentArn)).toEqual([first.serviceDeploymentArn]);
    expect(page2.nextToken).toBeUndefined();
    const none = await up.ecs.send(new ListServiceDeploymentsCommand({ service: 'sd-roll', status: ['ROLLBACK_SUCCESSFUL'] }));
    expect(none.serviceDeployments).toEqual([]);
    const later = await up.ecs.send(new ListServiceDeploymentsCommand({ service: 'sd-roll', createdAt: { after: second.createdAt } }));
    expect(later.serviceDeployments!.map((b) => b.serviceDeploymentArn)).toEqual([second.serviceDeploymentArn]);

    // Errors: a finished deployment cannot be stopped; unknown ARNs; an unknown service; a controller switch.
    await expect(up.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: second.serviceDeploymentArn }))).rejects.toMatchObject({
      name: 'ConflictException',
    });
    const ghost = second.serviceDeploymentArn!.replace(/[^/]+$/, 'AAAAAAAAAAAAAAAAAAAAAA');
    await expect(up.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: ghost }))).rejects.toMatchObject({
      name: 'ServiceDeploymentNotFoundException',
    });
    const missing = await up.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [ghost] }));
    expect(missing.failures).toEqual([{ arn: ghost, reason: 'MISSING' }]);
    await expect(up.ecs.send(new ListServiceDeploymentsCommand({ service: 'no-such-service' }))).rejects.toMatchObject({
      name: 'ServiceNotFoundException',
    });
    await expect(
      up.ecs.send(new UpdateServiceCommand({ service: 'sd-roll', deploymentController: { type: 'EXTERNAL' } })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const svc = (await up.ecs.send(new DescribeServicesCommand({ services: ['sd-roll'] }))).services![0]!;
    expect(svc.deploymentController).toEqual({ type: 'ECS' });
    expect(await list('sd-roll')).toHaveLength(2);
    await up.ecs.send(new DeleteServiceCommand({ service: 'sd-roll', force: true }));
  }, 420_000);

  it('shows a circuit breaker rollback as ROLLBACK_IN_PROGRESS then ROLLBACK_SUCCESSFUL', async () => {
    const good = await register('sd-breaker', 'good');
    await up.ecs.send(
      new CreateServiceCommand({
        serviceName: 'sd-breaker',
        taskDefinition: good,
        desiredCount: 1,
        deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
      }),
    );
    await expect.poll(() => statusOf('sd-breaker'), { timeout: 150_000, interval: 250 }).toBe('SUCCESSFUL');
    const before = await newest('sd-breaker');
    const bad = await register('sd-breaker', 'bad', '127.0.0.1:1/does-not-exist:latest');
    await up.ecs.send(new UpdateServiceCommand({ service: 'sd-breaker', taskDefinition: bad }));
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const s = await statusOf('sd-breaker');
          seen.add(s!);
          return s;
        },
        { timeout: 180_000, interval: 100 },
      )
      .toBe('ROLLBACK_SUCCESSFUL');
    expect(seen).toContain('ROLLBACK_IN_PROGRESS');
    const sd = await newest('sd-breaker');
    expect(sd.deploymentCircuitBreaker).toMatchObject({ status: 'TRIGGERED', threshold: 3 });
    expect(sd.deploymentCircuitBreaker!.failureCount).toBeGreaterThanOrEqual(3);
    expect(sd.rollback!.serviceRevisionArn).toBe(before.targetServiceRevision!.arn);
    expect(sd.sourceServiceRevisions!.map((r) => r.arn)).toEqual([before.targetServiceRevision!.arn]);
    expect(sd.sourceServiceRevisions![0]).toMatchObject({ runningTaskCount: 1 });
    const svc = (await up.ecs.send(new DescribeServicesCommand({ services: ['sd-breaker'] }))).services![0]!;
    expect(svc.taskDefinition).toBe(good);
    await up.ecs.send(new DeleteServiceCommand({ service: 'sd-breaker', force: true }));
  }, 420_000);

  it('rolls a deployment back when StopServiceDeployment asks for it', async () => {
    const v1 = await register('sd-stop', 'v1');
    await up.ecs.send(new CreateServiceCommand({ serviceName: 'sd-stop', taskDefinition: v1, desiredCount: 1 }));
    await expect.poll(() => statusOf('sd-stop'), { timeout: 150_000, interval: 250 }).toBe('SUCCESSFUL');
    // A task that never becomes healthy keeps the deployment IN_PROGRESS until it is stopped.
    const stuck = (
      await up.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'sd-stop',
          containerDefinitions: [
            {
              name: 'web',
              image: BUSYBOX,
              memory: 32,
              stopTimeout: 2,
              command: ['sh', '-c', 'exec sleep 600'],
              healthCheck: { command: ['CMD-SHELL', 'exit 1'], interval: 5, retries: 10, startPeriod: 300 },
            },
          ],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
    await up.ecs.send(new UpdateServiceCommand({ service: 'sd-stop', taskDefinition: stuck }));
    await expect.poll(() => statusOf('sd-stop'), { timeout: 30_000, interval: 100 }).toBe('IN_PROGRESS');
    const arn = (await list('sd-stop'))[0]!.serviceDeploymentArn!;
    // No lifecycle hook of this deployment is paused: ContinueServiceDeployment is refused and changes nothing.
    const cont = (serviceDeploymentArn: string, action?: 'CONTINUE' | 'ROLLBACK') =>
      up.ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn, hookId: 'ecs-pause-abc', action }));
    await expect(cont(arn, 'ROLLBACK')).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: `The lifecycle hook ecs-pause-abc of service deployment ${arn} is not awaiting action.`,
    });
    expect((await describeOne(arn)).status).toBe('IN_PROGRESS');
    await expect(cont(arn.replace(/[^/]+$/, 'AAAAAAAAAAAAAAAAAAAAAA'))).rejects.toMatchObject({ name: 'ServiceDeploymentNotFoundException' });
    await up.ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    await expect.poll(async () => (await describeOne(arn)).status, { timeout: 90_000, interval: 250 }).toBe('ROLLBACK_SUCCESSFUL');
    await expect(cont(arn)).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: `The service deployment ${arn} is ROLLBACK_SUCCESSFUL; only an IN_PROGRESS service deployment can be continued.`,
    });
    const svc = (await up.ecs.send(new DescribeServicesCommand({ services: ['sd-stop'] }))).services![0]!;
    expect(svc.taskDefinition).toBe(v1);
    expect(svc.deployments).toHaveLength(1);
    expect(svc.runningCount).toBe(1);
    await up.ecs.send(new DeleteServiceCommand({ service: 'sd-stop', force: true }));
  }, 420_000);
});
