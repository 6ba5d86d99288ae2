// The refusals of docs/task-definition-fields.md over HTTP: a field Wharf cannot honour is answered with a
// ClientException naming it and why, by RegisterTaskDefinition (with the aws CLI) or RunTask (its overrides), and
// nothing is written.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateClusterCommand, ListTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, type ECSClient } from '@aws-sdk/client-ecs';
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

const app = { name: 'app', image: 'busybox', memory: 64 };

describe('fields Wharf refuses', () => {
  it('refuses them at RegisterTaskDefinition with a ClientException naming the field, registering nothing', async () => {
    const cases: [object, string][] = [
      [{ containerDefinitions: [{ ...app, firelensConfiguration: { type: 'fluentbit' } }] }, 'firelensConfiguration is not supported by Wharf: FireLens log routers are not provided.'],
      [{ containerDefinitions: [{ ...app, resourceRequirements: [{ type: 'GPU', value: '1' }] }] }, 'resourceRequirements is not supported by Wharf: GPUs and inference accelerators are not scheduled by Wharf.'],
      [{ containerDefinitions: [app], inferenceAccelerators: [{ deviceName: 'd', deviceType: 'eia2.medium' }] }, 'inferenceAccelerators is not supported by Wharf: Elastic Inference accelerators do not exist on Wharf hosts.'],
    ];
    for (const [extra, message] of cases) {
      const file = join(wharf.dataDir, 'td.json');
      writeFileSync(file, JSON.stringify({ family: 'refused', ...extra }));
      const r = await wharf.awsRaw(['ecs', 'register-task-definition', '--cli-input-json', `file://${file}`]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain(`An error occurred (ClientException) when calling the RegisterTaskDefinition operation: ${message}`);
    }
    const listed = await wharf.aws('ecs', 'list-task-definitions', '--family-prefix', 'refused');
    expect(listed.taskDefinitionArns).toEqual([]);
  });

  it('refuses overrides it cannot honour at RunTask, starting nothing', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'default' }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'overridden', containerDefinitions: [app] }));
    const run = (overrides: object) => ecs.send(new RunTaskCommand({ taskDefinition: 'overridden', overrides }));
    await expect(run({ containerOverrides: [{ name: 'app', resourceRequirements: [{ type: 'GPU', value: '1' }] }] })).rejects.toMatchObject({
      name: 'ClientException', message: 'resourceRequirements is not supported by Wharf: GPUs and inference accelerators are not scheduled by Wharf.',
    });
    await expect(run({ ephemeralStorage: { sizeInGiB: 500 } })).rejects.toMatchObject({
      name: 'ClientException', message: "Invalid 'ephemeralStorage' setting for task override. 'sizeInGiB' must be between 21 and 200.",
    });
    expect((await ecs.send(new ListTasksCommand({}))).taskArns).toEqual([]);
  });
});
