// The console's other pages by clicking, against a real `wharf up` with Docker: the cluster list's time to
// interactive; a task definition of two containers with environment, awslogs and a health check, a new revision
// from it and the JSON diff of the two; a task whose logs are read on the CloudWatch Logs page (groups, streams,
// filter, live tail); the cluster's CPU graph with points; images and a lifecycle policy deleted on the repository
// page; an alarm created; a container instance drained and set active again; and a list of 1,000 real tasks paged.
import { CreateClusterCommand, ListTasksCommand, RegisterContainerInstanceCommand, RegisterTaskDefinitionCommand, RunTaskCommand } from '@aws-sdk/client-ecs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { BUSYBOX } from '../support/images.js';
import { connectAgent } from '../e2e/agentClient.js';
import { TEST_CREDENTIALS, type Wharf } from '../e2e/harness.js';
import type { RegistryWharf } from '../e2e/registryHarness.js';
import { pushImage } from '../e2e/registryOci.js';
import { screenshot, seriousViolations } from './browser.js';
import { closeConsole, openConsole, type ConsoleSession } from './fixture.js';

const FAMILY = 'pages-web';

describe('the console\'s pages', () => {
  const runtime = new DockerRuntime();
  let wharf: Wharf;
  let instanceArn = '';
  let page: Page;
  const pageErrors: string[] = [];

  const session: Partial<ConsoleSession> = {};
  beforeAll(async () => {
    ({ wharf, instanceArn, page } = await openConsole(session, runtime, {}, pageErrors));
    await page.goto(`${wharf.url}/console/`);
    await page.locator('input[name=accessKeyId]').fill(TEST_CREDENTIALS.accessKeyId);
    await page.locator('input[name=secretAccessKey]').fill(TEST_CREDENTIALS.secretAccessKey);
    await page.locator('[data-testid=sign-in]').click();
    await page.getByRole('link', { name: 'default', exact: true }).waitFor();
  }, 120_000);

  afterAll(() => closeConsole(session, runtime));

  async function check(name: string) {
    await screenshot(page, name);
    expect(await seriousViolations(page), name).toEqual([]);
  }

  const visible = (selector: string) => page.locator(`${selector} >> visible=true`);

  /** Confirms the open dialog and waits for it to close; the API's refusal, if any, fails the test with its text. */
  async function confirm() {
    await visible('[data-testid=confirm]').click();
    const closed = visible('[data-testid=confirm]').waitFor({ state: 'detached', timeout: 20_000 }).then(() => '', () => 'the dialog stayed open');
    const refused = visible('[role=dialog] [data-testid=api-error]')
      .waitFor({ timeout: 20_000 })
      .then(async () => (await visible('[role=dialog] [data-testid=api-error]').textContent()) ?? 'refused', () => 'the dialog stayed open');
    expect(await Promise.race([closed, refused])).toBe('');
  }

  /** Submits a create form and waits for the page it leads to; the API's refusal, if any, fails the test with its text. */
  async function submit(testId: string, heading: string) {
    await page.locator(`[data-testid=${testId}]`).click();
    const error = page.locator('[data-testid=api-error]');
    const outcome = await Promise.race([
      page.getByRole('heading', { name: heading }).waitFor({ timeout: 30_000 }).then(() => '', () => `no page ${heading}`),
      error.waitFor({ timeout: 30_000 }).then(async () => (await error.textContent()) ?? 'refused', () => `no page ${heading}`),
    ]);
    expect(outcome).toBe('');
  }

  it('shows the cluster list interactive within a second (printed)', async () => {
    // A fresh load of the page (the key pair stays in the tab): from navigation start to the list's first link and
    // its Create button usable, as the browser's own clock reads it.
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto('about:blank');
      await page.goto(`${wharf.url}/console/#/clusters`);
      await page.getByRole('link', { name: 'default', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Create cluster' }).click({ trial: true });
      times.push(await page.evaluate(() => performance.now()));
    }
    console.log(`cluster list time to interactive: ${times.map((t) => `${Math.round(t)} ms`).join(', ')} (goal under 1000 ms)`);
    // The goal is 1 s on a quiet machine; the assertion leaves room for a loaded one.
    expect(Math.min(...times)).toBeLessThan(5000);
  });

  it('registers a task definition of two containers with environment, awslogs and a health check', async () => {
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
    const role = (await wharf.aws('iam', 'create-role', '--role-name', 'ecsTaskExecutionRole', '--assume-role-policy-document', trust)).Role.Arn;
    await page.goto(`${wharf.url}/console/#/task-definitions/create`);
    await page.locator('input[name=family]').fill(FAMILY);
    // FARGATE takes awslogs only with an execution role, as ECS says when it is left out.
    await page.locator('input[name=executionRoleArn]').fill(role);
    await page.locator('input[name=containerName]').fill('web');
    await page.locator('input[name=image]').fill(BUSYBOX);
    await page.locator('input[name=command]').fill("sh,-c,trap 'exit 0' TERM; while true; do echo web-$GREETING; sleep 1; done & wait");
    await page.locator('textarea[name=environment]').fill('GREETING=hello\nMODE=demo');
    await page.locator('input[name=logGroup]').fill(`/ecs/${FAMILY}`);
    await page.locator('input[name=logStreamPrefix]').fill('pages');
    await page.locator('input[name=healthCommand]').fill('true');
    await page.locator('input[name=healthInterval]').fill('5');
    await page.getByRole('button', { name: 'Add container' }).click();
    await page.locator('input[name=containerName-2]').fill('side');
    await page.locator('input[name=image-2]').fill(BUSYBOX);
    await page.locator('input[name=command-2]').fill("sh,-c,trap 'exit 0' TERM; while true; do echo side-tick; sleep 1; done & wait");
    await page.locator('input[name=logGroup-2]').fill(`/ecs/${FAMILY}`);
    await page.locator('input[name=logStreamPrefix-2]').fill('pages');
    await page.getByText('Essential', { exact: true }).nth(1).click();
    await page.locator('input[name=containerPort]').fill('');
    await check('task-definition-form');
    await submit('create-task-definition', `${FAMILY}:1`);
    await check('task-definition-two-containers');

    const td = (await wharf.aws('ecs', 'describe-task-definition', '--task-definition', `${FAMILY}:1`)).taskDefinition;
    expect(td.containerDefinitions.map((c: { name: string }) => c.name)).toEqual(['web', 'side']);
    const [web, side] = td.containerDefinitions;
    expect(web.environment).toEqual(expect.arrayContaining([{ name: 'GREETING', value: 'hello' }, { name: 'MODE', value: 'demo' }]));
    expect(web.logConfiguration).toMatchObject({ logDriver: 'awslogs', options: { 'awslogs-group': `/ecs/${FAMILY}`, 'awslogs-stream-prefix': 'pages' } });
    expect(web.healthCheck).toMatchObject({ command: ['CMD-SHELL', 'true'], interval: 5 });
    expect(side.essential).toBe(false);
  });

  it('creates a new revision from the old one in the form, and shows the JSON diff of the two', async () => {
    await page.getByRole('button', { name: 'Create new revision' }).click();
    await page.getByRole('heading', { name: `Create new revision of ${FAMILY}:1` }).waitFor();
    // The form opens with the old revision's settings.
    await expect.poll(() => page.locator('input[name=image-2]').inputValue()).toBe(BUSYBOX);
    expect(await page.locator('textarea[name=environment]').inputValue()).toBe('GREETING=hello\nMODE=demo');
    await page.locator('textarea[name=environment]').fill('GREETING=bonjour\nMODE=demo');
    await submit('create-task-definition', `${FAMILY}:2`);
    const td = (await wharf.aws('ecs', 'describe-task-definition', '--task-definition', `${FAMILY}:2`)).taskDefinition;
    expect(td.containerDefinitions[0].environment).toEqual(expect.arrayContaining([{ name: 'GREETING', value: 'bonjour' }]));
    expect(td.containerDefinitions[1].name).toBe('side');

    await page.goto(`${wharf.url}/console/#/task-definitions/${FAMILY}`);
    await page.getByRole('checkbox', { name: 'Select revision 1' }).check();
    await page.getByRole('checkbox', { name: 'Select revision 2' }).check();
    await page.getByRole('button', { name: 'Compare' }).click();
    await page.getByRole('heading', { name: `Compare ${FAMILY}:1 with ${FAMILY}:2` }).waitFor();
    const removed = page.locator('[data-testid=json-diff] .diff-removed');
    const added = page.locator('[data-testid=json-diff] .diff-added');
    await removed.first().waitFor();
    const out = (await removed.allTextContents()).join('\n');
    const into = (await added.allTextContents()).join('\n');
    expect(out).toContain('"value": "hello"');
    expect(out).toContain('"revision": 1');
    expect(into).toContain('"value": "bonjour"');
    expect(into).toContain('"revision": 2');
    // What did not change is not marked: the side container's image line is on neither side.
    expect(out + into).not.toContain('side-tick');
    await check('task-definition-diff');
  });

  it('runs the task, and reads its awslogs on the CloudWatch Logs page: groups, streams, filter, live tail', async () => {
    await page.goto(`${wharf.url}/console/#/clusters/default/run-task`);
    await page.locator('[data-testid=family-select] button').first().click();
    await page.getByRole('option', { name: FAMILY }).click();
    await page.locator('[data-testid=run-task]').click();
    await page.getByRole('heading', { name: /^Task [0-9a-f]{32}$/ }).waitFor();
    await expect.poll(() => page.locator('[data-testid=task-status]').textContent(), { timeout: 60_000 }).toBe('RUNNING');

    await page.goto(`${wharf.url}/console/#/logs`);
    await page.getByRole('radio', { name: `Select log group /ecs/${FAMILY}` }).check({ timeout: 30_000 });
    const streams = page.locator('[data-testid=log-streams]');
    await expect.poll(() => streams.textContent(), { timeout: 30_000 }).toMatch(/pages\/side\/[0-9a-f]{32}/);
    expect(await streams.textContent()).toMatch(/pages\/web\/[0-9a-f]{32}/);
    const events = page.locator('[data-testid=log-events]');
    await expect.poll(() => events.textContent().catch(() => ''), { timeout: 30_000 }).toContain('web-bonjour');
    await check('logs');

    // A filter pattern: only the side container's lines.
    await page.locator('input[name=filterPattern]').fill('side-tick');
    await page.locator('[data-testid=apply-filter]').click();
    await expect.poll(async () => ((await events.textContent().catch(() => '')) ?? '').includes('web-bonjour'), { timeout: 15_000 }).toBe(false);
    expect(await events.textContent()).toContain('side-tick');

    // Live tail: new lines arrive without a reload.
    await page.getByText('Live tail').click();
    const count = async () => ((await events.textContent().catch(() => '')) ?? '').split('\n').filter((l) => l.includes('side-tick')).length;
    await expect.poll(count, { timeout: 15_000 }).toBeGreaterThan(0);
    const before = await count();
    await expect.poll(count, { timeout: 20_000, interval: 500 }).toBeGreaterThan(before + 2);
    await check('logs-live-tail');
  });

  it('shows the cluster\'s CPU graph with points', async () => {
    await page.goto(`${wharf.url}/console/#/clusters/default`);
    await page.getByRole('tab', { name: 'Metrics' }).click();
    // Tasks report every few seconds and a period closes each minute.
    await expect
      .poll(async () => Number((await page.locator('[data-testid=datapoint-count]').textContent()) || 0), { timeout: 150_000, interval: 2000 })
      .toBeGreaterThan(0);
    await expect.poll(() => page.getByText('No datapoints yet').count()).toBe(0);
    await check('cluster-metrics');
  }, 180_000);

  it('deletes an image and puts and deletes a lifecycle policy on the repository page', async () => {
    await page.goto(`${wharf.url}/console/#/repositories`);
    await page.getByRole('button', { name: 'Create repository' }).click();
    await visible('input[name=repositoryName]').fill('pages-repo');
    await confirm();
    const login = await wharf.awsRaw(['ecr', 'get-login-password']);
    expect(login.code, login.stderr).toBe(0);
    const registry = { url: wharf.url } as RegistryWharf;
    await pushImage(registry, login.stdout.trim(), 'pages-repo', 'v1', 'one');
    await pushImage(registry, login.stdout.trim(), 'pages-repo', 'v2', 'two');
    await page.getByRole('radio', { name: 'Select repository pages-repo' }).check();
    const images = page.locator('[data-testid=images]');
    await expect.poll(() => images.textContent(), { timeout: 15_000 }).toContain('v2');
    expect(await images.textContent()).toContain('v1');
    await page.getByRole('checkbox', { name: 'Select image v1' }).check();
    await page.getByRole('button', { name: 'Delete images' }).click();
    await confirm();
    await expect.poll(() => images.textContent(), { timeout: 15_000 }).not.toContain('v1');
    expect(await images.textContent()).toContain('v2');
    const left = await wharf.aws('ecr', 'describe-images', '--repository-name', 'pages-repo');
    expect(left.imageDetails.map((d: { imageTags: string[] }) => d.imageTags).flat()).toEqual(['v2']);

    await page.getByRole('button', { name: 'Create lifecycle policy' }).click();
    await confirm();
    const policy = page.locator('[data-testid=lifecycle-policy]');
    await expect.poll(() => policy.textContent(), { timeout: 15_000 }).toContain('sinceImagePushed');
    await check('repository-lifecycle');
    await page.getByRole('button', { name: 'Delete lifecycle policy' }).click();
    await confirm();
    await expect.poll(() => policy.textContent(), { timeout: 15_000 }).toBe('No lifecycle policy');
    const gone = await wharf.awsRaw(['ecr', 'get-lifecycle-policy', '--repository-name', 'pages-repo']);
    expect(gone.stderr).toContain('LifecyclePolicyNotFoundException');
  });

  it('creates an alarm', async () => {
    await page.goto(`${wharf.url}/console/#/alarms`);
    await page.getByRole('button', { name: 'Create alarm' }).click();
    await visible('input[name=alarmName]').fill('pages-cpu-high');
    await visible('input[name=alarmThreshold]').fill('90');
    await check('alarm-create');
    await confirm();
    await expect.poll(() => page.locator('[data-testid=alarms-table]').textContent(), { timeout: 15_000 }).toContain('pages-cpu-high');
    const held = await wharf.aws('cloudwatch', 'describe-alarms', '--alarm-names', 'pages-cpu-high');
    expect(held.MetricAlarms[0]).toMatchObject({ MetricName: 'CPUUtilization', Threshold: 90, ComparisonOperator: 'GreaterThanThreshold', Dimensions: [{ Name: 'ClusterName', Value: 'default' }] });
  });

  it('drains the container instance and sets it active again (UpdateContainerInstancesState)', async () => {
    await page.goto(`${wharf.url}/console/#/clusters/default?tab=instances`);
    const table = page.locator('[data-testid=instances-table]');
    await table.getByText('ACTIVE', { exact: true }).waitFor();
    await table.getByRole('checkbox', { name: /^Select container instance / }).check();
    await page.getByRole('button', { name: 'Drain' }).click();
    await expect.poll(() => table.textContent(), { timeout: 15_000 }).toContain('DRAINING');
    const described = await wharf.aws('ecs', 'describe-container-instances', '--cluster', 'default', '--container-instances', instanceArn);
    expect(described.containerInstances[0].status).toBe('DRAINING');
    await check('cluster-instance-draining');
    await page.getByRole('button', { name: 'Set to active' }).click();
    await expect.poll(() => table.textContent(), { timeout: 15_000 }).not.toContain('DRAINING');
  });

  it('pages a list of 1,000 tasks and stays responsive (times printed)', async () => {
    // 1,000 real tasks in cluster "bulk", placed by Wharf on a simulated host: a container instance registered
    // through the API whose agent channel this test holds open and never answers, so the tasks stay PENDING and no
    // container is started (1,000 containers do not fit on this machine).
    const ecs = wharf.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: 'bulk' }));
    await ecs.send(new RegisterTaskDefinitionCommand({ family: 'bulk', containerDefinitions: [{ name: 'app', image: BUSYBOX, memory: 8, cpu: 1 }] }));
    const host = await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: 'bulk',
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 98_304 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 393_216 },
        ],
      }),
    );
    const channel = await connectAgent(wharf.url, 'bulk', host.containerInstance!.containerInstanceArn!);
    try {
      for (let i = 0; i < 100; i++) {
        const placed = await ecs.send(new RunTaskCommand({ cluster: 'bulk', taskDefinition: 'bulk', count: 10, launchType: 'EC2' }));
        expect(placed.failures).toEqual([]);
      }
      const arns: string[] = [];
      let nextToken: string | undefined;
      do {
        const r = await ecs.send(new ListTasksCommand({ cluster: 'bulk', nextToken }));
        arns.push(...r.taskArns!);
        nextToken = r.nextToken;
      } while (nextToken);
      expect(arns).toHaveLength(1000);

      await page.goto(`${wharf.url}/console/#/clusters/bulk?tab=tasks`);
      const t0 = Date.now();
      const tasks = page.locator('[data-testid=tasks-table]');
      await page.getByRole('heading', { name: 'Tasks (1000)' }).waitFor({ timeout: 30_000 });
      const shown = Date.now() - t0;
      expect(await tasks.locator('tbody tr').count()).toBe(50);
      // The page change as the browser runs it: from the click to the next frame after React has rendered page 2.
      const paged = await page.evaluate(
        () =>
          new Promise<number>((done) => {
            const next = document.querySelector<HTMLButtonElement>('button[aria-label="Next page"]')!;
            const t = performance.now();
            next.click();
            requestAnimationFrame(() => setTimeout(() => done(performance.now() - t)));
          }),
      );
      await page.getByRole('button', { name: 'Page 2' }).and(page.locator('[aria-current=true]')).waitFor();
      expect(await tasks.locator('tbody tr').count()).toBe(50);
      const t2 = Date.now();
      const id = arns[arns.length - 1]!.split('/').pop()!;
      await page.getByRole('searchbox', { name: 'Find tasks' }).fill(id);
      await expect.poll(() => tasks.locator('tbody tr').count()).toBe(1);
      expect(await tasks.locator('tbody tr').textContent()).toContain(id.slice(0, 8));
      const filtered = Date.now() - t2;
      console.log(`1,000 tasks: list shown in ${shown} ms (1,000 fetched in 10 DescribeTasks calls), next page rendered in ${Math.round(paged)} ms, filtered to one in ${filtered} ms`);
      // Paging is the browser's own work: well under a second on a quiet machine; room here for a loaded one.
      expect(paged).toBeLessThan(3000);
      await check('tasks-1000');
    } finally {
      await channel.close();
      ecs.destroy();
    }
  });

  it('raised no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
