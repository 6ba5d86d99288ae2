// Clusters end to end, through the AWS SDK and the Debian `aws` CLI against a real Wharf process.
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  ListClustersCommand,
  PutClusterCapacityProvidersCommand,
  UpdateClusterCommand,
  UpdateClusterSettingsCommand,
  RegisterContainerInstanceCommand,
  type ECSClient,
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

describe('clusters', () => {
  it('has a default cluster, as ECS does', async () => {
    const out = await ecs.send(new DescribeClustersCommand({}));
    expect(out.clusters?.[0]).toMatchObject({
      clusterName: 'default',
      clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/default',
      status: 'ACTIVE',
    });
  });

  it('creates a cluster with the aws CLI and returns it in AWS format', async () => {
    const out = await wharf.aws('ecs', 'create-cluster', '--cluster-name', 'demo-cluster', '--tags', 'key=team,value=web');
    expect(out.cluster).toMatchObject({
      clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/demo-cluster',
      clusterName: 'demo-cluster',
      status: 'ACTIVE',
      registeredContainerInstancesCount: 0,
      runningTasksCount: 0,
      pendingTasksCount: 0,
      activeServicesCount: 0,
      settings: [{ name: 'containerInsights', value: 'disabled' }],
      tags: [{ key: 'team', value: 'web' }],
    });
    const listed = await wharf.aws('ecs', 'list-clusters');
    expect(listed.clusterArns).toContain('arn:aws:ecs:us-east-1:000000000000:cluster/demo-cluster');
  });

  it('answers a second create of the same cluster with the existing one', async () => {
    const a = await ecs.send(new CreateClusterCommand({ clusterName: 'twice', tags: [{ key: 'a', value: '1' }] }));
    const b = await ecs.send(new CreateClusterCommand({ clusterName: 'twice' }));
    expect(b.cluster?.clusterArn).toBe(a.cluster?.clusterArn);
    expect(b.cluster?.tags).toEqual([{ key: 'a', value: '1' }]);
  });

  it('uses the region of the signature in ARNs', async () => {
    const west = wharf.ecs('eu-west-1');
    const out = await west.send(new CreateClusterCommand({ clusterName: 'west' }));
    expect(out.cluster?.clusterArn).toBe('arn:aws:ecs:eu-west-1:000000000000:cluster/west');
    west.destroy();
  });

  it('describes with include and reports unknown clusters as failures', async () => {
    await ecs.send(
      new CreateClusterCommand({
        clusterName: 'described',
        settings: [{ name: 'containerInsights', value: 'enabled' }],
        configuration: { executeCommandConfiguration: { logging: 'DEFAULT' } },
        tags: [{ key: 'k', value: 'v' }],
      }),
    );
    const plain = await ecs.send(new DescribeClustersCommand({ clusters: ['described', 'nope'] }));
    expect(plain.clusters).toHaveLength(1);
    expect(plain.clusters?.[0]?.settings).toBeUndefined();
    expect(plain.clusters?.[0]?.configuration).toBeUndefined();
    expect(plain.clusters?.[0]?.tags).toEqual([]);
    expect(plain.failures).toEqual([{ arn: 'arn:aws:ecs:us-east-1:000000000000:cluster/nope', reason: 'MISSING' }]);
    const full = await ecs.send(
      new DescribeClustersCommand({
        clusters: ['arn:aws:ecs:us-east-1:000000000000:cluster/described'],
        include: ['SETTINGS', 'CONFIGURATIONS', 'TAGS', 'STATISTICS', 'ATTACHMENTS'],
      }),
    );
    expect(full.clusters?.[0]).toMatchObject({
      settings: [{ name: 'containerInsights', value: 'enabled' }],
      configuration: { executeCommandConfiguration: { logging: 'DEFAULT' } },
      tags: [{ key: 'k', value: 'v' }],
      attachments: [],
    });
  });

  it('pages through list-clusters', async () => {
    for (let i = 0; i < 5; i++) await ecs.send(new CreateClusterCommand({ clusterName: `page-${i}` }));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await ecs.send(new ListClustersCommand({ maxResults: 2, nextToken: token }));
      expect(page.clusterArns!.length).toBeLessThanOrEqual(2);
      seen.push(...page.clusterArns!);
      token = page.nextToken;
    } while (token);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((a) => a.includes('/page-'))).toHaveLength(5);
    // The CLI pages by itself and shows them all.
    const all = await wharf.aws('ecs', 'list-clusters', '--page-size', '2');
    expect(all.clusterArns.filter((a: string) => a.includes('/page-'))).toHaveLength(5);
  });

  it('updates settings, configuration and capacity providers', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'upd' }));
    const s = await ecs.send(
      new UpdateClusterSettingsCommand({ cluster: 'upd', settings: [{ name: 'containerInsights', value: 'enhanced' }] }),
    );
    expect(s.cluster?.settings).toEqual([{ name: 'containerInsights', value: 'enhanced' }]);
    const u = await ecs.send(
      new UpdateClusterCommand({ cluster: 'upd', configuration: { executeCommandConfiguration: { logging: 'NONE' } } }),
    );
    expect(u.cluster?.configuration).toEqual({ executeCommandConfiguration: { logging: 'NONE' } });
    const cp = await wharf.aws(
      'ecs', 'put-cluster-capacity-providers', '--cluster', 'upd',
      '--capacity-providers', 'FARGATE', 'FARGATE_SPOT',
      '--default-capacity-provider-strategy', 'capacityProvider=FARGATE,weight=1,base=1', 'capacityProvider=FARGATE_SPOT,weight=3',
    );
    expect(cp.cluster.capacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT']);
    expect(cp.cluster.defaultCapacityProviderStrategy).toEqual([
      { capacityProvider: 'FARGATE', weight: 1, base: 1 },
      { capacityProvider: 'FARGATE_SPOT', weight: 3, base: 0 },
    ]);
  });

  it('refuses bad capacity provider strategies and changes nothing', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'cp-bad' }));
    const bad = [
      { capacityProviders: ['MY_ASG'], defaultCapacityProviderStrategy: [] },
      { capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] },
      {
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        defaultCapacityProviderStrategy: [
          { capacityProvider: 'FARGATE', weight: 1, base: 1 },
          { capacityProvider: 'FARGATE_SPOT', weight: 1, base: 2 },
        ],
      },
      { capacityProviders: ['FARGATE'], defaultCapacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1001 }] },
    ];
    for (const input of bad) {
      await expect(ecs.send(new PutClusterCapacityProvidersCommand({ cluster: 'cp-bad', ...input }))).rejects.toMatchObject({
        name: 'InvalidParameterException',
      });
    }
    const out = await ecs.send(new DescribeClustersCommand({ clusters: ['cp-bad'] }));
    expect(out.clusters?.[0]?.capacityProviders).toEqual([]);
  });

  it('refuses invalid names and unknown clusters', async () => {
    await expect(ecs.send(new CreateClusterCommand({ clusterName: 'bad name!' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(
      ecs.send(new UpdateClusterSettingsCommand({ cluster: 'ghost', settings: [{ name: 'containerInsights', value: 'enabled' }] })),
    ).rejects.toMatchObject({ name: 'ClusterNotFoundException', message: 'Cluster not found.' });
    const r = await wharf.awsRaw(['ecs', 'delete-cluster', '--cluster', 'ghost']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('ClusterNotFoundException');
  });

  it('deletes a cluster, which stays describable as INACTIVE and can be created again', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'gone' }));
    const del = await wharf.aws('ecs', 'delete-cluster', '--cluster', 'gone');
    expect(del.cluster.status).toBe('INACTIVE');
    const d = await ecs.send(new DescribeClustersCommand({ clusters: ['gone'] }));
    expect(d.clusters?.[0]?.status).toBe('INACTIVE');
    const l = await ecs.send(new ListClustersCommand({}));
    expect(l.clusterArns).not.toContain(del.cluster.clusterArn);
    const again = await ecs.send(new CreateClusterCommand({ clusterName: 'gone' }));
    expect(again.cluster?.status).toBe('ACTIVE');
  });

  it('refuses to delete a cluster that has container instances', async () => {
    await ecs.send(new CreateClusterCommand({ clusterName: 'busy' }));
    await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: 'busy',
        totalResources: [
          { name: 'CPU', type: 'INTEGER', integerValue: 2048 },
          { name: 'MEMORY', type: 'INTEGER', integerValue: 4096 },
        ],
      }),
    );
    await expect(ecs.send(new DeleteClusterCommand({ cluster: 'busy' }))).rejects.toMatchObject({
      name: 'ClusterContainsContainerInstancesException',
    });
    const d = await ecs.send(new DescribeClustersCommand({ clusters: ['busy'] }));
    expect(d.clusters?.[0]).toMatchObject({ status: 'ACTIVE', registeredContainerInstancesCount: 1 });
  });
});
