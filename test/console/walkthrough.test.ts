// The seed walkthrough by clicking, with the load balancer made in the console: a user creates an application load
// balancer (its address shown), a target group and a listener that forwards to it on the Load balancers page, then a
// service through the wizard (deployment options, circuit breaker with rollback, target tracking auto scaling on
// CPU) behind that target group; both targets turn healthy and the load balancer's address answers with the app.
// A second user, whose key IAM allows only reads, is shown AWS's AccessDenied message when creating a cluster.
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { BUSYBOX } from '../support/images.js';
import { TEST_CREDENTIALS, type Wharf } from '../e2e/harness.js';
import { screenshot, seriousViolations, type Chromium } from './browser.js';
import { closeConsole, openConsole, type ConsoleSession } from './fixture.js';

const CLUSTER = 'walk';
const FAMILY = 'walk-web';
const SERVICE = 'walk-svc';
// A loopback range of its own, so this Wharf's load balancer does not meet another test's on port 80.
const LB_POOL = '127.2.250.0/24'; // above the random ranges test/e2e/harness.ts hands out

describe('the seed walkthrough in the web console', () => {
  const runtime = new DockerRuntime();
  let wharf: Wharf;
  let chrome: Chromium;
  let page: Page;
  const pageErrors: string[] = [];

  const session: Partial<ConsoleSession> = {};
  beforeAll(async () => {
    ({ wharf, chrome, page } = await openConsole(session, runtime, { WHARF_LB_ADDRESS_POOL: LB_POOL }, pageErrors));
  }, 120_000);

  afterAll(() => closeConsole(session, runtime));

  async function check(name: string, p: Page = page) {
    await screenshot(p, name);
    expect(await seriousViolations(p), name).toEqual([]);
  }

  const visible = (selector: string, p: Page = page) => p.locator(`${selector} >> visible=true`);

  async function signIn(p: Page, accessKeyId: string, secretAccessKey: string) {
    await p.goto(`${wharf.url}/console/`);
    await p.locator('input[name=accessKeyId]').fill(accessKeyId);
    await p.locator('input[name=secretAccessKey]').fill(secretAccessKey);
    await p.locator('[data-testid=sign-in]').click();
    // A refused sign-in fails with the API's message; a loaded machine gets a minute for the clusters page's chunks.
    const listed = p.getByRole('heading', { name: /^Clusters/ }).waitFor({ timeout: 60_000 }).then(() => '');
    const refused = visible('[data-testid=api-error]', p).waitFor({ timeout: 60_000 }).then(async () => `sign-in refused: ${await visible('[data-testid=api-error]', p).textContent()}`);
    expect(await Promise.race([listed, refused.catch(() => new Promise<string>(() => {}))])).toBe('');
  }

  /** Confirms the open dialog and waits for it to close; the API's refusal, if any, fails the test with its text. */
  async function confirm(p: Page = page) {
    await visible('[data-testid=confirm]', p).click();
    const closed = visible('[data-testid=confirm]', p).waitFor({ state: 'detached', timeout: 20_000 }).then(() => '', () => 'the dialog stayed open');
    const refused = visible('[role=dialog] [data-testid=api-error]', p).waitFor({ timeout: 20_000 }).then(async () => (await visible('[role=dialog] [data-testid=api-error]', p).textContent()) ?? 'refused', () => 'the dialog stayed open');
    expect(await Promise.race([closed, refused])).toBe('');
  }

  async function choose(button: RegExp, option: string | RegExp) {
    await page.getByRole('button', { name: button }).click();
    await page.getByRole('option', { name: option }).click();
  }

  let lbAddress = '';

  it('creates an application load balancer, a target group and a listener on the Load balancers page', async () => {
    await signIn(page, TEST_CREDENTIALS.accessKeyId, TEST_CREDENTIALS.secretAccessKey);
    await page.goto(`${wharf.url}/console/#/load-balancers`);
    await page.getByRole('button', { name: 'Create load balancer' }).click();
    await visible('input[name=lbName]').fill('walk-alb');
    await check('load-balancer-create');
    await confirm();
    const address = page.locator('[data-testid=lb-address-walk-alb]');
    await address.waitFor();
    lbAddress = ((await address.textContent()) ?? '').trim();
    expect(lbAddress).toMatch(/^127\.2\.250\.\d+$/);

    await page.getByRole('button', { name: 'Create target group' }).click();
    await visible('input[name=tgName]').fill('walk-tg');
    await visible('input[name=tgInterval]').fill('5');
    await visible('input[name=tgTimeout]').fill('2');
    await visible('input[name=tgHealthy]').fill('2');
    await check('target-group-create');
    await confirm();
    await expect.poll(() => page.locator('[data-testid=target-groups]').textContent(), { timeout: 15_000 }).toContain('walk-tg');

    await page.getByRole('button', { name: 'Add listener' }).click();
    await choose(/^Load balancer/, 'walk-alb');
    await choose(/forward to target group/i, 'walk-tg');
    await check('listener-create');
    await confirm();
    await expect.poll(() => page.locator('[data-testid=load-balancers]').textContent(), { timeout: 15_000 }).toContain('HTTP:80');
    await check('load-balancers-created');
  });

  it('creates the cluster and registers the task definition through the form', async () => {
    await page.goto(`${wharf.url}/console/#/clusters`);
    await page.getByRole('button', { name: 'Create cluster' }).click();
    await visible('input[name=clusterName]').fill(CLUSTER);
    await confirm();
    await page.getByRole('link', { name: CLUSTER, exact: true }).waitFor();

    await page.goto(`${wharf.url}/console/#/task-definitions`);
    await page.getByRole('button', { name: 'Create new task definition' }).click();
    await page.locator('input[name=family]').fill(FAMILY);
    await page.locator('input[name=containerName]').fill('web');
    await page.locator('input[name=image]').fill(BUSYBOX);
    await page.locator('input[name=command]').fill("sh,-c,mkdir -p /w && echo walk-v1 > /w/index.html && httpd -f -p 80 -h /w & trap 'exit 0' TERM; wait");
    await page.locator('[data-testid=create-task-definition]').click();
    await page.getByRole('heading', { name: `${FAMILY}:1` }).waitFor();
  });

  it('creates a service behind the target group through the wizard, with deployment options and auto scaling', async () => {
    await page.goto(`${wharf.url}/console/#/clusters/${CLUSTER}`);
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.locator('[data-testid=family-select] button').first().click();
    await page.getByRole('option', { name: FAMILY }).click();
    await page.locator('input[name=serviceName]').fill(SERVICE);
    await page.locator('input[name=desiredCount]').fill('2');
    await page.locator('input[name=minimumHealthyPercent]').fill('50');
    await page.locator('input[name=maximumPercent]').fill('200');
    await page.getByText('Use the deployment circuit breaker').click();
    await expect(page.getByRole('checkbox', { name: 'Rollback on failures' }).isChecked()).resolves.toBe(true);
    await page.getByText('Use service auto scaling').click();
    await page.locator('input[name=scaleMin]').fill('2');
    await page.locator('input[name=scaleMax]').fill('4');
    await page.locator('input[name=scaleTarget]').fill('60');
    await choose(/^Target group/, /walk-tg/);
    await page.locator('input[name=lbContainerName]').fill('web');
    await check('create-service-wizard');
    await page.locator('[data-testid=create-service]').click();
    await page.getByRole('heading', { name: SERVICE, exact: true }).waitFor();

    // What the wizard sent, as the page shows it and as ECS and Application Auto Scaling hold it.
    await expect.poll(() => page.locator('[data-testid=deployment-options]').textContent()).toBe('Min 50%, max 200%, circuit breaker on with rollback');
    const described = await wharf.aws('ecs', 'describe-services', '--cluster', CLUSTER, '--services', SERVICE);
    expect(described.services[0].deploymentConfiguration).toMatchObject({
      minimumHealthyPercent: 50,
      maximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
    });
    await page.getByRole('tab', { name: 'Auto scaling' }).click();
    await expect.poll(() => page.locator('[data-testid=scalable-target]').textContent(), { timeout: 15_000 }).toBe('Tasks: minimum 2, maximum 4');
    const policies = page.locator('[data-testid=scaling-policies]');
    await expect.poll(() => policies.textContent()).toContain('ECSServiceAverageCPUUtilization');
    expect(await policies.textContent()).toContain('TargetTrackingScaling');
    expect(await policies.textContent()).toContain('60');
    await check('service-auto-scaling');
    const held = await wharf.aws('application-autoscaling', 'describe-scaling-policies', '--service-namespace', 'ecs', '--resource-id', `service/${CLUSTER}/${SERVICE}`);
    expect(held.ScalingPolicies[0].TargetTrackingScalingPolicyConfiguration).toMatchObject({
      TargetValue: 60,
      PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
    });
  });

  it('shows both targets turn healthy, and the load balancer\'s address answers with the app', async () => {
    await page.goto(`${wharf.url}/console/#/load-balancers`);
    const groups = page.locator('[data-testid=target-groups]');
    await expect
      .poll(async () => ((await groups.textContent()) ?? '').match(/127\.1\.\d+\.\d+:80\s*healthy/g)?.length ?? 0, { timeout: 90_000, interval: 1000 })
      .toBe(2);
    await check('load-balancers-healthy');
    const href = await page.locator('[data-testid=lb-address-walk-alb]').getAttribute('href');
    expect(href).toBe(`http://${lbAddress}/`);
    const res = await fetch(href!);
    expect(res.status).toBe(200);
    expect((await res.text()).trim()).toBe('walk-v1');
  });

  it('shows AWS\'s AccessDenied message to a key allowed only reads, and creates nothing', async () => {
    const iam = new IAMClient({
      endpoint: wharf.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: TEST_CREDENTIALS.secretAccessKey },
    });
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ecs:Describe*', 'ecs:List*'], Resource: '*' }] };
    await iam.send(new PutUserPolicyCommand({ UserName: 'reader', PolicyName: 'read-only', PolicyDocument: JSON.stringify(policy) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
    iam.destroy();

    const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const reader = await context.newPage();
    reader.on('pageerror', (err) => pageErrors.push(err.message));
    await signIn(reader, key.AccessKeyId!, key.SecretAccessKey!);
    // Reads are allowed: the clusters list shows.
    await reader.getByRole('link', { name: CLUSTER, exact: true }).waitFor();
    await reader.getByRole('button', { name: 'Create cluster' }).click();
    await visible('input[name=clusterName]', reader).fill('not-allowed');
    await visible('[data-testid=confirm]', reader).click();
    const refusal = visible('[data-testid=api-error]', reader);
    await refusal.waitFor();
    const text = (await refusal.textContent()) ?? '';
    expect(text).toContain('AccessDeniedException');
    expect(text).toContain(
      'User: arn:aws:iam::000000000000:user/reader is not authorized to perform: ecs:CreateCluster on resource: ' +
        'arn:aws:ecs:us-east-1:000000000000:cluster/not-allowed because no identity-based policy allows the ecs:CreateCluster action',
    );
    await check('access-denied', reader);
    await context.close();
    const clusters = await wharf.aws('ecs', 'list-clusters');
    expect(clusters.clusterArns.join(' ')).not.toContain('not-allowed');
  });

  it('raised no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
