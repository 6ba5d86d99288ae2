// Account settings, custom attributes on container instances and tags on clusters, end to end.
import {
  CreateClusterCommand,
  DeleteAccountSettingCommand,
  ListAccountSettingsCommand,
  PutAccountSettingCommand,
  PutAccountSettingDefaultCommand,
  PutAttributesCommand,
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

const resources = [
  { name: 'CPU', type: 'INTEGER', integerValue: 1024 },
  { name: 'MEMORY', type: 'INTEGER', integerValue: 2048 },
];

describe('account settings', () => {
  it('sets, lists (own and effective), applies to new clusters, and deletes', async () => {
    const put = await wharf.aws('ecs', 'put-account-setting-default', '--name', 'containerInsights', '--value', 'enabled');
    // Debian's aws CLI predates the `type` member, so it shows the rest.
    expect(put.setting).toMatchObject({
      name: 'containerInsights',
      value: 'enabled',
      principalArn: 'arn:aws:iam::000000000000:root',
    });
    const c = await ecs.send(new CreateClusterCommand({ clusterName: 'insightful' }));
    expect(c.cluster?.settings).toEqual([{ name: 'containerInsights', value: 'enabled' }]);

    const role = 'arn:aws:iam::000000000000:role/deployer';
    await ecs.send(new PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'enabled', principalArn: role }));
    const own = await ecs.send(new ListAccountSettingsCommand({ principalArn: role }));
    expect(own.settings).toEqual([{ name: 'awsvpcTrunking', value: 'enabled', principalArn: role, type: 'user' }]);
    const eff = await ecs.send(new ListAccountSettingsCommand({ principalArn: role, effectiveSettings: true }));
    const byName = Object.fromEntries(eff.settings!.map((s) => [s.name, s.value]));
    expect(byName).toMatchObject({ awsvpcTrunking: 'enabled', containerInsights: 'enabled', taskLongArnFormat: 'enabled' });

    const del = await ecs.send(new DeleteAccountSettingCommand({ name: 'awsvpcTrunking', principalArn: role }));
    expect(del.setting?.value).toBe('enabled');
    const after = await ecs.send(new ListAccountSettingsCommand({ principalArn: role }));
    expect(after.settings).toEqual([]);
    await wharf.aws('ecs', 'delete-account-setting', '--name', 'containerInsights');
  });

  it('refuses unknown values', async () => {
    await expect(ecs.send(new PutAccountSettingCommand({ name: 'containerInsights', value: 'sometimes' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });
});

describe('attributes', () => {
  it('puts, lists and deletes custom attributes on a container instance', async () => {
    const reg = await ecs.send(new RegisterContainerInstanceCommand({ cluster: 'default', totalResources: resources }));
    const arn = reg.containerInstance!.containerInstanceArn!;
    expect(arn).toMatch(/^arn:aws:ecs:us-east-1:000000000000:container-instance\/default\/[0-9a-f]{32}$/);
    await wharf.aws('ecs', 'put-attributes', '--attributes', `name=stack,value=prod,targetId=${arn}`);
    const listed = await wharf.aws('ecs', 'list-attributes', '--target-type', 'container-instance', '--attribute-name', 'stack');
    expect(listed.attributes).toEqual([{ name: 'stack', value: 'prod', targetType: 'container-instance', targetId: arn }]);
    const byValue = await wharf.aws(
      'ecs', 'list-attributes', '--target-type', 'container-instance', '--attribute-name', 'stack', '--attribute-value', 'dev',
    );
    expect(byValue.attributes).toEqual([]);
    await wharf.aws('ecs', 'delete-attributes', '--attributes', `name=stack,targetId=${arn}`);
    const gone = await wharf.aws('ecs', 'list-attributes', '--target-type', 'container-instance', '--attribute-name', 'stack');
    expect(gone.attributes).toEqual([]);
  });

  it('refuses unknown targets, bad names and more than 10 custom attributes, writing nothing', async () => {
    await expect(
      ecs.send(new PutAttributesCommand({ attributes: [{ name: 'a', value: 'b', targetId: 'ffffffffffffffffffffffffffffffff' }] })),
    ).rejects.toMatchObject({ name: 'TargetNotFoundException' });
    const reg = await ecs.send(new RegisterContainerInstanceCommand({ cluster: 'default', totalResources: resources }));
    const targetId = reg.containerInstance!.containerInstanceArn!;
    await expect(
      ecs.send(new PutAttributesCommand({ attributes: [{ name: 'bad name!', value: 'b', targetId }] })),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    const ten = Array.from({ length: 10 }, (_, i) => ({ name: `a${i}`, value: 'v', targetId }));
    await ecs.send(new PutAttributesCommand({ attributes: ten }));
    await expect(
      ecs.send(new PutAttributesCommand({ attributes: [{ name: 'eleventh', value: 'v', targetId }] })),
    ).rejects.toMatchObject({ name: 'AttributeLimitExceededException' });
    const l = await wharf.aws('ecs', 'list-attributes', '--target-type', 'container-instance', '--attribute-name', 'eleventh');
    expect(l.attributes).toEqual([]);
  });
});

describe('cluster tags', () => {
  it('tags and untags a cluster and refuses reserved keys', async () => {
    const c = await ecs.send(new CreateClusterCommand({ clusterName: 'tagme' }));
    const arn = c.cluster!.clusterArn!;
    await wharf.aws('ecs', 'tag-resource', '--resource-arn', arn, '--tags', 'key=env,value=dev', 'key=team,value=a');
    await wharf.aws('ecs', 'tag-resource', '--resource-arn', arn, '--tags', 'key=env,value=prod');
    let t = await wharf.aws('ecs', 'list-tags-for-resource', '--resource-arn', arn);
    expect(t.tags).toEqual([{ key: 'env', value: 'prod' }, { key: 'team', value: 'a' }]);
    const r = await wharf.awsRaw(['ecs', 'tag-resource', '--resource-arn', arn, '--tags', 'key=aws:x,value=1']);
    expect(r.stderr).toContain('InvalidParameterException');
    await wharf.aws('ecs', 'untag-resource', '--resource-arn', arn, '--tag-keys', 'team');
    t = await wharf.aws('ecs', 'list-tags-for-resource', '--resource-arn', arn);
    expect(t.tags).toEqual([{ key: 'env', value: 'prod' }]);
    const missing = await wharf.awsRaw([
      'ecs', 'list-tags-for-resource', '--resource-arn', 'arn:aws:ecs:us-east-1:000000000000:cluster/none',
    ]);
    expect(missing.stderr).toContain('ClusterNotFoundException');
  });
});
