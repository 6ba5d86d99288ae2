// Task definitions end to end: revisions per family, describe/list/families, deregister and delete, tags, and
// ECS's validation rules answered as ECS answers them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, type Wharf } from './harness.js';

let wharf: Wharf;
let ecs: ECSClient;
beforeAll(async () => {
  wharf = await startWharf();
  ecs = wharf.ecs();
});
afterAll(async () => {
  ecs?.destroy();
  await wharf?.stop();
});

const web = (family: string, extra: Partial<RegisterTaskDefinitionCommandInput> = {}): RegisterTaskDefinitionCommandInput => ({
  family,
  containerDefinitions: [{ name: 'web', image: 'busybox:latest', memory: 128, portMappings: [{ containerPort: 80 }] }],
  ...extra,
});

describe('task definitions', () => {
  it('registers through the aws CLI from a JSON file, as the seed walkthrough does', async () => {
    const file = join(wharf.dataDir, 'td.json');
    writeFileSync(
      file,
      JSON.stringify({
        family: 'fast-api',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '512',
        memory: '1024',
        containerDefinitions: [
          {
            name: 'app',
            image: '000000000000.dkr.ecr.us-east-1.amazonaws.com/fast-api:latest',
            portMappings: [{ containerPort: 80, protocol: 'tcp' }],
            environment: [{ name: 'MONGO_URL', value: 'mongodb://localhost:27017' }],
            command: ['uvicorn', 'main:app', '--host', '0.0.0.0', '--port', '80'],
            essential: true,
          },
        ],
        tags: [{ key: 'app', value: 'fast-api' }],
      }),
    );
    const out = await wharf.aws('ecs', 'register-task-definition', '--cli-input-json', `file://${file}`);
    expect(out.taskDefinition).toMatchObject({
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/fast-api:1',
      family: 'fast-api',
      revision: 1,
      status: 'ACTIVE',
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      requiresCompatibilities: ['FARGATE'],
    });
    expect(out.taskDefinition.compatibilities).toEqual(expect.arrayContaining(['EC2', 'FARGATE']));
    expect(out.taskDefinition.containerDefinitions[0]).toMatchObject({
      name: 'app',
      environment: [{ name: 'MONGO_URL', value: 'mongodb://localhost:27017' }],
      portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
    });
    expect(typeof out.taskDefinition.registeredAt).toBe('string');
    expect(out.tags).toEqual([{ key: 'app', value: 'fast-api' }]);
  });

  it('numbers revisions per family and describes the latest active one by family name', async () => {
    const r1 = await ecs.send(new RegisterTaskDefinitionCommand(web('rev')));
    const r2 = await ecs.send(new RegisterTaskDefinitionCommand(web('rev', { cpu: '256' })));
    expect([r1.taskDefinition?.revision, r2.taskDefinition?.revision]).toEqual([1, 2]);
    const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'rev' }));
    expect(latest.taskDefinition?.revision).toBe(2);
    const first = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'rev:1' }));
    expect(first.taskDefinition?.cpu).toBeUndefined();
    const byArn = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: r2.taskDefinition!.taskDefinitionArn }));
    expect(byArn.taskDefinition?.cpu).toBe('256');
    expect(byArn.taskDefinition?.registeredAt).toBeInstanceOf(Date);
  });

  it('keeps every field of the model it was given', async () => {
    const input = web('faithful', {
      taskRoleArn: 'arn:aws:iam::000000000000:role/app',
      executionRoleArn: 'arn:aws:iam::000000000000:role/exec',
      pidMode: 'task',
      ipcMode: 'task',
      placementConstraints: [{ type: 'memberOf', expression: 'attribute:ecs.instance-type =~ t3.*' }],
      volumes: [{ name: 'data', host: { sourcePath: '/tmp/data' } }],
      ephemeralStorage: undefined,
      runtimePlatform: { cpuArchitecture: 'X86_64', operatingSystemFamily: 'LINUX' },
      containerDefinitions: [
        {
          name: 'web',
          image: 'busybox',
          memory: 128,
          memoryReservation: 64,
          cpu: 128,
          entryPoint: ['sh', '-c'],
          command: ['httpd -f'],
          workingDirectory: '/srv',
          user: '1000',
          hostname: 'web',
          dnsServers: ['127.0.0.53'],
          extraHosts: [{ hostname: 'db', ipAddress: '127.0.0.9' }],
          dockerLabels: { team: 'web' },
          ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 2048 }],
          readonlyRootFilesystem: true,
          linuxParameters: { initProcessEnabled: true, capabilities: { add: ['NET_ADMIN'] }, sharedMemorySize: 64 },
          mountPoints: [{ sourceVolume: 'data', containerPath: '/data', readOnly: false }],
          healthCheck: { command: ['CMD-SHELL', 'true'], interval: 10, timeout: 5, retries: 3, startPeriod: 0 },
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/web', 'awslogs-region': 'us-east-1' } },
          stopTimeout: 20,
          startTimeout: 30,
        },
      ],
    });
    const out = await ecs.send(new RegisterTaskDefinitionCommand(input));
    const d = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: out.taskDefinition!.taskDefinitionArn }));
    expect(d.taskDefinition).toMatchObject({
      taskRoleArn: input.taskRoleArn,
      executionRoleArn: input.executionRoleArn,
      pidMode: 'task',
      ipcMode: 'task',
      placementConstraints: input.placementConstraints,
      volumes: [{ name: 'data', host: { sourcePath: '/tmp/data' } }],
      runtimePlatform: input.runtimePlatform,
    });
    expect(d.taskDefinition?.containerDefinitions?.[0]).toMatchObject(input.containerDefinitions![0]!);
  });

  it('lists definitions with status, family, sort and paging, and families', async () => {
    for (let i = 0; i < 3; i++) await ecs.send(new RegisterTaskDefinitionCommand(web('listed')));
    const asc = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'listed' }));
    expect(asc.taskDefinitionArns?.map((a) => a.split(':').pop())).toEqual(['1', '2', '3']);
    const desc = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'listed', sort: 'DESC', maxResults: 2 }));
    expect(desc.taskDefinitionArns?.map((a) => a.split(':').pop())).toEqual(['3', '2']);
    const rest = await ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: 'listed', sort: 'DESC', maxResults: 2, nextToken: desc.nextToken }),
    );
    expect(rest.taskDefinitionArns?.map((a) => a.split(':').pop())).toEqual(['1']);
    expect(rest.nextToken).toBeUndefined();
    const cli = await wharf.aws('ecs', 'list-task-definitions', '--family-prefix', 'listed', '--page-size', '1');
    expect(cli.taskDefinitionArns).toHaveLength(3);
    const fams = await ecs.send(new ListTaskDefinitionFamiliesCommand({ familyPrefix: 'list' }));
    expect(fams.families).toEqual(['listed']);
  });

  it('deregisters to INACTIVE (still describable) and deletes only inactive revisions', async () => {
    await ecs.send(new RegisterTaskDefinitionCommand(web('retire')));
    await ecs.send(new RegisterTaskDefinitionCommand(web('retire')));
    const dr = await wharf.aws('ecs', 'deregister-task-definition', '--task-definition', 'retire:1');
    expect(dr.taskDefinition.status).toBe('INACTIVE');
    expect(dr.taskDefinition.deregisteredAt).toBeDefined();
    const still = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'retire:1' }));
    expect(still.taskDefinition?.status).toBe('INACTIVE');
    const inactive = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'retire', status: 'INACTIVE' }));
    expect(inactive.taskDefinitionArns).toHaveLength(1);
    await expect(ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'retire' }))).rejects.toMatchObject({
      name: 'ClientException',
    });

    const del = await ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: ['retire:1', 'retire:2', 'retire:9'] }));
    expect(del.taskDefinitions?.map((t) => [t.revision, t.status])).toEqual([[1, 'DELETE_IN_PROGRESS']]);
    expect(del.failures?.map((f) => f.reason)).toEqual([
      'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
      expect.stringContaining('does not exist'),
    ]);
    // The family keeps counting: a deleted revision number is never reused.
    const next = await ecs.send(new RegisterTaskDefinitionCommand(web('retire')));
    expect(next.taskDefinition?.revision).toBe(3);
  });

  it('tags task definitions and lists families by status', async () => {
    const r = await ecs.send(new RegisterTaskDefinitionCommand(web('tagged', { tags: [{ key: 'a', value: '1' }] })));
    const arn = r.taskDefinition!.taskDefinitionArn!;
    await wharf.aws('ecs', 'tag-resource', '--resource-arn', arn, '--tags', 'key=b,value=2');
    await wharf.aws('ecs', 'untag-resource', '--resource-arn', arn, '--tag-keys', 'a');
    const t = await wharf.aws('ecs', 'list-tags-for-resource', '--resource-arn', arn);
    expect(t.tags).toEqual([{ key: 'b', value: '2' }]);
    const d = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }));
    expect(d.tags).toEqual([{ key: 'b', value: '2' }]);
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    const inactive = await ecs.send(new ListTaskDefinitionFamiliesCommand({ status: 'INACTIVE' }));
    expect(inactive.families).toContain('tagged');
    const active = await ecs.send(new ListTaskDefinitionFamiliesCommand({ status: 'ACTIVE' }));
    expect(active.families).not.toContain('tagged');
  });

  it('answers unknown definitions with ClientException', async () => {
    await expect(ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'nope:7' }))).rejects.toMatchObject({
      name: 'ClientException',
      message: 'Unable to describe task definition.',
    });
  });
});

describe('task definition validation', () => {
  const refused = async (input: RegisterTaskDefinitionCommandInput, code: string, text: RegExp) => {
    const err = await ecs.send(new RegisterTaskDefinitionCommand(input)).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.name).toBe(code);
    expect(err?.message).toMatch(text);
    // Nothing was written.
    const l = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: input.family }));
    expect(l.taskDefinitionArns).toEqual([]);
  };

  it('requires awsvpc and a valid cpu/memory pair on FARGATE', async () => {
    await refused(web('fg1', { requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512' }), 'ClientException', /awsvpc/i);
    await refused(
      web('fg2', { requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc', cpu: '256', memory: '4096' }),
      'ClientException',
      /cpu|memory/i,
    );
    await refused(
      web('fg3', { requiresCompatibilities: ['FARGATE'], networkMode: 'awsvpc' }),
      'ClientException',
      /cpu|memory/i,
    );
  });

  it('requires memory or memoryReservation per container unless the task sets memory', async () => {
    await refused(
      { family: 'nomem', containerDefinitions: [{ name: 'a', image: 'busybox' }] },
      'ClientException',
      /memory/,
    );
    const ok = await ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'taskmem', memory: '512', containerDefinitions: [{ name: 'a', image: 'busybox' }] }),
    );
    expect(ok.taskDefinition?.memory).toBe('512');
  });

  it('refuses duplicate names, dangling dependsOn and volumesFrom, links outside bridge', async () => {
    const c = (name: string, extra = {}) => ({ name, image: 'busybox', memory: 64, ...extra });
    await refused({ family: 'dup', containerDefinitions: [c('a'), c('a')] }, 'ClientException', /a/);
    await refused(
      { family: 'dep', containerDefinitions: [c('a', { dependsOn: [{ containerName: 'ghost', condition: 'START' }] })] },
      'ClientException',
      /ghost/,
    );
    await refused(
      { family: 'vf', containerDefinitions: [c('a', { volumesFrom: [{ sourceContainer: 'ghost' }] })] },
      'ClientException',
      /ghost/,
    );
    await refused(
      { family: 'lnk', networkMode: 'awsvpc', containerDefinitions: [c('a', { links: ['b'] }), c('b')] },
      'ClientException',
      /link/i,
    );
  });

  it('refuses bad input through the aws CLI too', async () => {
    const r = await wharf.awsRaw([
      'ecs', 'register-task-definition', '--family', 'cli-bad',
      '--container-definitions', JSON.stringify([{ name: 'a', image: 'busybox' }]),
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ClientException');
  });
});
