// The web console end to end: Debian's Chromium against a real `wharf up` with Docker. A user signs in (a wrong
// secret shows AWS's refusal), creates a cluster, registers a task definition through the form (and sees the
// server's validation message), creates a FARGATE service, watches its tasks reach RUNNING and its deployment
// COMPLETED, opens a task and its logs. Each page is screenshotted and scanned by axe-core.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { BUSYBOX } from '../support/images.js';
import { TEST_CREDENTIALS, type Wharf } from '../e2e/harness.js';
import { screenshot, seriousViolations } from './browser.js';
import { closeConsole, openConsole, type ConsoleSession } from './fixture.js';

const CLUSTER = 'console-demo';
const FAMILY = 'console-web';
const SERVICE = 'console-svc';

describe('the web console', () => {
  const runtime = new DockerRuntime();
  let wharf: Wharf;
  let page: Page;
  const pageErrors: string[] = [];

  const session: Partial<ConsoleSession> = {};
  beforeAll(async () => {
    ({ wharf, page } = await openConsole(session, runtime, {}, pageErrors));
  }, 120_000);

  afterAll(() => closeConsole(session, runtime));

  /** Every page: no serious or critical axe-core violation, and a screenshot. */
  async function check(name: string) {
    await screenshot(page, name);
    expect(await seriousViolations(page), name).toEqual([]);
  }

  const visible = (selector: string) => page.locator(`${selector} >> visible=true`);

  it('`wharf up` prints the console address, and serves it', async () => {
    await expect.poll(() => wharf.output.join('\n')).toContain(`${wharf.url}/console/`);
    const res = await fetch(`${wharf.url}/console/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
  });

  it('shows AWS\'s refusal for a wrong secret key', async () => {
    await page.goto(`${wharf.url}/console/`);
    await page.locator('input[name=accessKeyId]').fill(TEST_CREDENTIALS.accessKeyId);
    await page.locator('input[name=secretAccessKey]').fill('not-the-secret');
    await page.locator('[data-testid=sign-in]').click();
    const alert = page.locator('[data-testid=api-error]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('The request signature we calculated does not match the signature you provided');
    await check('sign-in-refused');
  });

  it('signs in from the keyboard and lists the clusters', async () => {
    await page.reload();
    await page.locator('input[name=accessKeyId]').focus();
    await page.keyboard.type(TEST_CREDENTIALS.accessKeyId);
    await page.keyboard.press('Tab');
    await page.keyboard.type(TEST_CREDENTIALS.secretAccessKey);
    await page.keyboard.press('Enter');
    await page.getByRole('link', { name: 'default', exact: true }).waitFor();
    // The key pair is kept for the tab only.
    expect(await page.evaluate(() => Object.keys(localStorage).length)).toBe(0);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(1);
    await check('clusters');
  });

  it('creates a cluster', async () => {
    await page.getByRole('button', { name: 'Create cluster' }).click();
    await visible('input[name=clusterName]').fill(CLUSTER);
    await visible('[data-testid=confirm]').click();
    await page.getByRole('link', { name: CLUSTER, exact: true }).waitFor();
  });

  it('shows a cluster\'s container instances with their resources', async () => {
    await page.goto(`${wharf.url}/console/#/clusters/default?tab=instances`);
    const table = page.locator('[data-testid=instances-table]');
    await table.getByText('Yes', { exact: true }).waitFor();
    expect(await table.textContent()).toMatch(/\d+ \/ \d+ of \d+/);
    await check('cluster-instances');
  });

  it('registers a task definition through the form, after showing the server\'s validation message', async () => {
    await page.goto(`${wharf.url}/console/#/task-definitions`);
    await page.getByRole('button', { name: 'Create new task definition' }).click();
    await page.locator('input[name=family]').fill(FAMILY);
    await page.locator('input[name=containerName]').fill('web');
    // No image yet: RegisterTaskDefinition refuses, and the console shows its message.
    await page.locator('[data-testid=create-task-definition]').click();
    const alert = page.locator('[data-testid=api-error]');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('Container.image should not be null or empty.');
    await check('task-definition-refused');
    await page.locator('input[name=image]').fill(BUSYBOX);
    // The shell answers SIGTERM at once (httpd as PID 1 would wait out the stop timeout), so deployments roll fast.
    await page.locator('input[name=command]').fill("sh,-c,echo console-hello && mkdir -p /w && echo hi > /w/index.html && httpd -f -p 80 -h /w & trap 'exit 0' TERM; wait");
    await page.locator('[data-testid=create-task-definition]').click();
    await page.getByRole('heading', { name: `${FAMILY}:1` }).waitFor();
    await check('task-definition');
  });

  it('creates a service whose tasks reach RUNNING and whose deployment completes', async () => {
    await page.goto(`${wharf.url}/console/#/clusters/${CLUSTER}`);
    await page.getByRole('button', { name: 'Create service' }).click();
    await page.locator('[data-testid=family-select] button').first().click();
    await page.getByRole('option', { name: FAMILY }).click();
    await page.locator('input[name=serviceName]').fill(SERVICE);
    await page.locator('input[name=desiredCount]').fill('2');
    await check('create-service');
    await page.locator('[data-testid=create-service]').click();
    await page.getByRole('heading', { name: SERVICE, exact: true }).waitFor();
    // The page polls: no reload between here and COMPLETED.
    const running = page.locator('[data-testid=running-count]');
    await expect.poll(() => running.textContent(), { timeout: 60_000, interval: 500 }).toBe('2');
    const deployments = page.locator('[data-testid=deployments-table]');
    await expect.poll(() => deployments.textContent(), { timeout: 60_000, interval: 500 }).toContain('COMPLETED');
    await check('service');
    await page.getByRole('tab', { name: 'Events' }).click();
    await expect.poll(() => page.locator('[data-testid=events-table]').textContent(), { timeout: 30_000 }).toContain('has reached a steady state');
    await check('service-events');
    await page.getByRole('tab', { name: 'Metrics' }).click();
    await page.getByRole('heading', { name: 'Utilization' }).waitFor();
    await check('service-metrics');
  });

  it('opens a task: its containers, network bindings, and logs', async () => {
    await page.getByRole('tab', { name: 'Tasks' }).click();
    const tasks = page.locator('[data-testid=tasks-table]');
    await tasks.getByText('RUNNING').first().waitFor();
    await tasks.locator('tbody a').first().click();
    await page.getByRole('heading', { name: /^Task [0-9a-f]{32}$/ }).waitFor();
    await expect.poll(() => page.locator('[data-testid=task-status]').textContent(), { timeout: 30_000 }).toBe('RUNNING');
    const containers = page.locator('[data-testid=containers]');
    await expect.poll(() => containers.textContent()).toMatch(/127\.\d+\.\d+\.\d+:80 → 80\/tcp/);
    await expect.poll(() => page.locator('[data-testid=log-lines]').textContent().catch(() => ''), { timeout: 30_000 }).toContain('web | console-hello');
    await check('task');
  });

  it('updates the service (desired count, forced deployment) and shows the new deployment roll out', async () => {
    await page.goto(`${wharf.url}/console/#/clusters/${CLUSTER}/services/${SERVICE}`);
    const deployments = page.locator('[data-testid=deployments-table]');
    await expect.poll(() => deployments.textContent()).toContain('COMPLETED');
    const first = /ecs-svc\/\d+/.exec((await deployments.textContent()) ?? '')![0];
    await page.getByRole('button', { name: 'Update service' }).click();
    await visible('input[name=updateDesiredCount]').fill('1');
    await page.getByText('Force new deployment').click();
    await visible('[data-testid=confirm]').click();
    await expect.poll(() => page.locator('[data-testid=desired-count]').textContent(), { timeout: 30_000 }).toBe('1');
    await expect
      .poll(async () => {
        const text = (await deployments.textContent()) ?? '';
        return !text.includes(first) && text.includes('COMPLETED');
      }, { timeout: 90_000, interval: 500 })
      .toBe(true);
    await expect.poll(() => page.locator('[data-testid=running-count]').textContent(), { timeout: 60_000 }).toBe('1');
    await check('service-updated');
  });

  it('runs a task from the form, and stops it', async () => {
    await page.goto(`${wharf.url}/console/#/clusters/${CLUSTER}/run-task`);
    await page.locator('[data-testid=family-select] button').first().click();
    await page.getByRole('option', { name: FAMILY }).click();
    await check('run-task');
    await page.locator('[data-testid=run-task]').click();
    await page.getByRole('heading', { name: /^Task [0-9a-f]{32}$/ }).waitFor();
    await expect.poll(() => page.locator('[data-testid=task-status]').textContent(), { timeout: 60_000 }).toBe('RUNNING');
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await visible('[data-testid=confirm]').click();
    await expect.poll(() => page.locator('[data-testid=task-desired]').textContent(), { timeout: 10_000 }).toBe('STOPPED');
  });

  it('creates a service behind a target group, whose target turns healthy on the load balancers page', async () => {
    const lb = await wharf.aws('elbv2', 'create-load-balancer', '--name', 'console-alb', '--subnets', 'subnet-a', 'subnet-b');
    const tg = await wharf.aws(
      'elbv2', 'create-target-group', '--name', 'console-tg', '--protocol', 'HTTP', '--port', '80', '--vpc-id', 'vpc-local', '--target-type', 'ip',
      '--health-check-interval-seconds', '5', '--health-check-timeout-seconds', '2', '--healthy-threshold-count', '2',
    );
    await wharf.aws(
      'elbv2', 'create-listener', '--load-balancer-arn', lb.LoadBalancers[0].LoadBalancerArn, '--protocol', 'HTTP', '--port', '80',
      '--default-actions', `Type=forward,TargetGroupArn=${tg.TargetGroups[0].TargetGroupArn}`,
    );
    await page.goto(`${wharf.url}/console/#/clusters/${CLUSTER}/create-service`);
    await page.locator('[data-testid=family-select] button').first().click();
    await page.getByRole('option', { name: FAMILY }).click();
    await page.locator('input[name=serviceName]').fill('console-lb');
    await page.getByRole('button', { name: /^Target group/ }).click();
    await page.getByRole('option', { name: /console-tg/ }).click();
    await page.locator('input[name=lbContainerName]').fill('web');
    await page.locator('[data-testid=create-service]').click();
    await page.getByRole('heading', { name: 'console-lb', exact: true }).waitFor();
    await page.goto(`${wharf.url}/console/#/load-balancers`);
    await expect.poll(() => page.locator('[data-testid=load-balancers]').textContent(), { timeout: 30_000 }).toContain('HTTP:80');
    await expect.poll(() => page.locator('[data-testid=target-groups]').textContent(), { timeout: 90_000, interval: 1000 }).toMatch(/127\.1\.\d+\.\d+:80\s*healthy/);
    await check('load-balancers');
  });

  it('shows the repositories and alarms pages', async () => {
    await wharf.aws('ecr', 'create-repository', '--repository-name', 'console-repo');
    await page.goto(`${wharf.url}/console/#/repositories`);
    await page.getByRole('heading', { name: /Private repositories/ }).waitFor();
    await page.getByRole('radio', { name: 'Select repository console-repo' }).check();
    await expect.poll(() => page.locator('[data-testid=push-commands]').textContent()).toContain('docker push');
    await check('repositories');
    await wharf.aws(
      'cloudwatch', 'put-metric-alarm', '--alarm-name', 'console-cpu-high', '--namespace', 'AWS/ECS', '--metric-name', 'CPUUtilization',
      '--dimensions', `Name=ClusterName,Value=${CLUSTER}`, `Name=ServiceName,Value=${SERVICE}`, '--statistic', 'Average', '--period', '60',
      '--evaluation-periods', '1', '--threshold', '90', '--comparison-operator', 'GreaterThanThreshold',
    );
    await page.goto(`${wharf.url}/console/#/alarms`);
    await expect.poll(() => page.locator('[data-testid=alarms-table]').textContent(), { timeout: 15_000 }).toContain('console-cpu-high');
    await check('alarms');
  });

  it('works at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${wharf.url}/console/#/clusters/${CLUSTER}/services/${SERVICE}`);
    await page.getByRole('heading', { name: SERVICE, exact: true }).waitFor();
    await check('service-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows ECS\'s refusal to delete a cluster with services, and deletes an empty one', async () => {
    await page.goto(`${wharf.url}/console/#/clusters`);
    await page.getByRole('radio', { name: `Select cluster ${CLUSTER}` }).check();
    await page.getByRole('button', { name: 'Delete cluster' }).click();
    await visible('[data-testid=confirm]').click();
    const refusal = visible('[data-testid=api-error]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('ClusterContainsServicesException');
    await check('cluster-delete-refused');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Create cluster' }).click();
    await visible('input[name=clusterName]').fill('console-empty');
    await visible('[data-testid=confirm]').click();
    await page.getByRole('radio', { name: 'Select cluster console-empty' }).check();
    await page.getByRole('button', { name: 'Delete cluster' }).click();
    await visible('[data-testid=confirm]').click();
    await expect.poll(() => page.locator('[data-testid=clusters]').textContent(), { timeout: 15_000 }).not.toContain('console-empty');
  });

  it('deletes the service', async () => {
    await page.goto(`${wharf.url}/console/#/clusters/${CLUSTER}/services/${SERVICE}`);
    await page.getByRole('button', { name: 'Delete service' }).click();
    await visible('[data-testid=confirm]').click();
    await page.getByRole('heading', { name: CLUSTER, exact: true }).waitFor();
    const row = page.locator('[data-testid=services-table] tbody tr', { hasText: SERVICE });
    await expect.poll(async () => (await row.count()) === 0 || !((await row.first().textContent()) ?? '').includes('ACTIVE'), { timeout: 30_000 }).toBe(true);
  });

  it('signs out: the key pair leaves the tab', async () => {
    await page.getByRole('button', { name: `Signed in as ${TEST_CREDENTIALS.accessKeyId}` }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.locator('input[name=accessKeyId]').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it("the first render's plain top bar has the same names and works from the keyboard", async () => {
    // A page of its own, signed in, whose browser is never idle: the plain bar stays rather than giving way to
    // Cloudscape's TopNavigation.
    const plain = await page.context().newPage();
    plain.on('pageerror', (err) => pageErrors.push(err.message));
    const signedIn = JSON.stringify({ accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: TEST_CREDENTIALS.secretAccessKey, region: 'us-east-1' });
    await plain.addInitScript((s) => {
      sessionStorage.setItem('wharf.console.session', s);
      window.requestIdleCallback = () => 0;
    }, signedIn);
    try {
      await plain.goto(`${wharf.url}/console/#/clusters`);
      await plain.getByRole('link', { name: 'default', exact: true }).waitFor();
      expect(await plain.locator('header.wharf-top-bar').count()).toBe(1);
      await screenshot(plain, 'clusters-plain-top-bar');
      expect(await seriousViolations(plain)).toEqual([]);
      const user = plain.getByRole('button', { name: `Signed in as ${TEST_CREDENTIALS.accessKeyId} · us-east-1` });
      await plain.getByRole('banner').getByRole('link', { name: 'Wharf', exact: true }).focus();
      await plain.keyboard.press('Tab');
      await expect.poll(() => user.evaluate((b) => b === document.activeElement)).toBe(true);
      await plain.keyboard.press('Enter');
      const signOut = plain.getByRole('menuitem', { name: 'Sign out' });
      await expect.poll(() => signOut.evaluate((b) => b === document.activeElement)).toBe(true);
      expect(await seriousViolations(plain)).toEqual([]);
      await plain.keyboard.press('Escape');
      await expect.poll(() => signOut.count()).toBe(0);
      await expect.poll(() => user.evaluate((b) => b === document.activeElement)).toBe(true);
      await plain.keyboard.press('ArrowDown');
      await expect.poll(() => signOut.evaluate((b) => b === document.activeElement)).toBe(true);
      await plain.keyboard.press('Enter');
      await plain.locator('input[name=accessKeyId]').waitFor();
      expect(await plain.evaluate(() => sessionStorage.length)).toBe(0);
    } finally {
      await plain.close();
    }
  });

  it('raised no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
