// SSM Parameter Store through the Debian aws CLI and the JS SDK: String, StringList and SecureString parameters,
// versions, selectors and labels, paths and filters with pages, tiers and their sizes, tags, and each refusal as
// AWS words it.
import { DescribeParametersCommand, GetParametersByPathCommand, GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWharf, TEST_CREDENTIALS, type Wharf } from './harness.js';

let w: Wharf;
let ssm: SSMClient;
beforeAll(async () => {
  w = await startWharf();
  ssm = new SSMClient({ endpoint: w.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
});
afterAll(async () => {
  ssm?.destroy();
  await w?.stop();
});

const run = (...args: string[]) => w.aws('ssm', ...args);
const fails = async (args: string[], code: string, message?: string) => {
  const r = await w.awsRaw(['ssm', ...args]);
  expect(r.code, r.stdout).not.toBe(0);
  expect(r.stderr).toContain(`(${code})`);
  if (message) expect(r.stderr).toContain(message);
};

describe('parameters', { timeout: 240_000 }, () => {
  it('puts String, StringList and SecureString values and reads them back, decrypted only when asked', async () => {
    expect(await run('put-parameter', '--name', '/app/prod/url', '--value', 'https://db', '--type', 'String', '--description', 'db url')).toEqual({ Version: 1, Tier: 'Standard' });
    await run('put-parameter', '--name', '/app/prod/hosts', '--value', 'a,b,c', '--type', 'StringList');
    await run('put-parameter', '--name', '/app/prod/password', '--value', 'pa55word', '--type', 'SecureString', '--key-id', 'alias/app');
    const plain = (await run('get-parameter', '--name', '/app/prod/url')).Parameter;
    expect(plain).toMatchObject({ Name: '/app/prod/url', Type: 'String', Value: 'https://db', Version: 1, DataType: 'text', ARN: 'arn:aws:ssm:us-east-1:000000000000:parameter/app/prod/url' });
    expect((await run('get-parameter', '--name', '/app/prod/hosts')).Parameter).toMatchObject({ Type: 'StringList', Value: 'a,b,c' });
    const hidden = (await run('get-parameter', '--name', '/app/prod/password')).Parameter;
    expect(hidden.Type).toBe('SecureString');
    expect(hidden.Value).not.toContain('pa55word');
    expect((await run('get-parameter', '--name', '/app/prod/password', '--with-decryption')).Parameter.Value).toBe('pa55word');
    const sdk = await ssm.send(new GetParameterCommand({ Name: 'arn:aws:ssm:us-east-1:000000000000:parameter/app/prod/password', WithDecryption: true }));
    expect(sdk.Parameter?.Value).toBe('pa55word');
    const described = await run('describe-parameters', '--parameter-filters', 'Key=Name,Values=/app/prod/password');
    expect(described.Parameters).toEqual([
      expect.objectContaining({ Name: '/app/prod/password', Type: 'SecureString', KeyId: 'alias/app', Version: 1, Tier: 'Standard', LastModifiedUser: 'arn:aws:iam::000000000000:root' }),
    ]);
  });

  it('versions on overwrite, reads name:version and name:label, and keeps history', async () => {
    await fails(['put-parameter', '--name', '/app/prod/password', '--value', 'x', '--type', 'SecureString'], 'ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
    expect((await run('put-parameter', '--name', '/app/prod/password', '--value', 'second', '--overwrite')).Version).toBe(2);
    expect((await run('put-parameter', '--name', '/app/prod/password', '--value', 'third', '--overwrite')).Version).toBe(3);
    const v1 = (await run('get-parameter', '--name', '/app/prod/password:1', '--with-decryption')).Parameter;
    expect(v1).toMatchObject({ Value: 'pa55word', Version: 1, Selector: ':1' });
    expect(await run('label-parameter-version', '--name', '/app/prod/password', '--parameter-version', '2', '--labels', 'stable', '9bad', 'awsx')).toEqual({ InvalidLabels: ['9bad', 'awsx'], ParameterVersion: 2 });
    expect((await run('get-parameter', '--name', '/app/prod/password:stable', '--with-decryption')).Parameter).toMatchObject({ Value: 'second', Version: 2, Selector: ':stable' });
    // A label moves: on version 3 now, no longer on 2.
    await run('label-parameter-version', '--name', '/app/prod/password', '--labels', 'stable');
    expect((await run('get-parameter', '--name', '/app/prod/password:stable', '--with-decryption')).Parameter.Version).toBe(3);
    const history = await run('get-parameter-history', '--name', '/app/prod/password', '--with-decryption');
    expect(history.Parameters.map((p: any) => [p.Version, p.Value, p.Labels])).toEqual([[1, 'pa55word', []], [2, 'second', []], [3, 'third', ['stable']]]);
    expect(history.Parameters[0].KeyId).toBe('alias/app');
    expect(await run('unlabel-parameter-version', '--name', '/app/prod/password', '--parameter-version', '3', '--labels', 'stable', 'nope')).toEqual({ RemovedLabels: ['stable'], InvalidLabels: ['nope'] });
    await fails(['get-parameter', '--name', '/app/prod/password:9'], 'ParameterVersionNotFound', 'Systems Manager could not find version 9 of /app/prod/password. Verify the version and try again.');
    await fails(['get-parameter', '--name', '/app/prod/password:stable'], 'ParameterNotFound');
    await fails(['label-parameter-version', '--name', '/app/prod/password', '--parameter-version', '7', '--labels', 'x'], 'ParameterVersionNotFound');
    await run('label-parameter-version', '--name', '/app/prod/password', '--parameter-version', '1', '--labels', ...Array.from({ length: 10 }, (_, i) => `l${i}`));
    await fails(['label-parameter-version', '--name', '/app/prod/password', '--parameter-version', '1', '--labels', 'l10'], 'ParameterVersionLabelLimitExceeded', 'A parameter version can have maximum 10 labels');
  });

  it('gets many at once, reporting the missing ones', async () => {
    const r = await run('get-parameters', '--names', '/app/prod/url', '/nope', '/app/prod/password:1', '--with-decryption');
    expect(r.Parameters.map((p: any) => p.Value)).toEqual(['https://db', 'pa55word']);
    expect(r.InvalidParameters).toEqual(['/nope']);
    await fails(['get-parameter', '--name', '/nope'], 'ParameterNotFound');
  });

  it('walks paths one level or recursively, with filters and pages', async () => {
    await run('put-parameter', '--name', '/app/dev/url', '--value', 'dev', '--type', 'String');
    await run('put-parameter', '--name', '/app/top', '--value', 'top', '--type', 'String', '--tags', 'Key=team,Value=core');
    const names = (r: any) => r.Parameters.map((p: any) => p.Name);
    expect(names(await run('get-parameters-by-path', '--path', '/app'))).toEqual(['/app/top']);
    expect(names(await run('get-parameters-by-path', '--path', '/app', '--recursive'))).toEqual(['/app/dev/url', '/app/prod/hosts', '/app/prod/password', '/app/prod/url', '/app/top']);
    expect(names(await run('get-parameters-by-path', '--path', '/app/', '--recursive', '--parameter-filters', 'Key=Type,Values=SecureString'))).toEqual(['/app/prod/password']);
    expect(names(await run('get-parameters-by-path', '--path', '/app', '--recursive', '--parameter-filters', 'Key=tag:team,Values=core'))).toEqual(['/app/top']);
    const byPath = await run('get-parameters-by-path', '--path', '/app/prod', '--with-decryption');
    expect(byPath.Parameters.find((p: any) => p.Name === '/app/prod/password').Value).toBe('third');
    const page1 = await ssm.send(new GetParametersByPathCommand({ Path: '/app', Recursive: true, MaxResults: 2 }));
    const page2 = await ssm.send(new GetParametersByPathCommand({ Path: '/app', Recursive: true, MaxResults: 2, NextToken: page1.NextToken }));
    const page3 = await ssm.send(new GetParametersByPathCommand({ Path: '/app', Recursive: true, MaxResults: 2, NextToken: page2.NextToken }));
    expect([...page1.Parameters!, ...page2.Parameters!, ...page3.Parameters!].map((p) => p.Name)).toHaveLength(5);
    expect(page3.NextToken).toBeUndefined();
    await fails(['get-parameters-by-path', '--path', '/app', '--parameter-filters', 'Key=Name,Values=x'], 'InvalidFilterKey');
    await fails(['get-parameters-by-path', '--path', 'app'], 'ValidationException');
  });

  it('describes with Filters and ParameterFilters, and pages', async () => {
    const names = (r: any) => r.Parameters.map((p: any) => p.Name);
    expect(names(await run('describe-parameters', '--filters', 'Key=Name,Values=/app/prod'))).toEqual(['/app/prod/hosts', '/app/prod/password', '/app/prod/url']);
    expect(names(await run('describe-parameters', '--parameter-filters', 'Key=Path,Option=OneLevel,Values=/app/prod', 'Key=Type,Values=String'))).toEqual(['/app/prod/url']);
    expect(names(await run('describe-parameters', '--parameter-filters', 'Key=Name,Option=Contains,Values=dev'))).toEqual(['/app/dev/url']);
    expect(names(await run('describe-parameters', '--parameter-filters', 'Key=Label,Values=l3'))).toEqual(['/app/prod/password']);
    await fails(['describe-parameters', '--parameter-filters', 'Key=Path,Option=Equals,Values=/app'], 'InvalidFilterOption');
    const first = await ssm.send(new DescribeParametersCommand({ MaxResults: 2 }));
    expect(first.Parameters).toHaveLength(2);
    const next = await ssm.send(new DescribeParametersCommand({ MaxResults: 50, NextToken: first.NextToken }));
    expect(next.Parameters!.length).toBeGreaterThan(0);
    await expect(ssm.send(new DescribeParametersCommand({ NextToken: 'garbage' }))).rejects.toMatchObject({ name: 'InvalidNextToken' });
  });

  it('tags parameters', async () => {
    await run('add-tags-to-resource', '--resource-type', 'Parameter', '--resource-id', '/app/prod/url', '--tags', 'Key=a,Value=1', 'Key=b,Value=2');
    await run('remove-tags-from-resource', '--resource-type', 'Parameter', '--resource-id', '/app/prod/url', '--tag-keys', 'a');
    expect((await run('list-tags-for-resource', '--resource-type', 'Parameter', '--resource-id', '/app/prod/url')).TagList).toEqual([{ Key: 'b', Value: '2' }]);
    await fails(['list-tags-for-resource', '--resource-type', 'Parameter', '--resource-id', '/nope'], 'InvalidResourceId');
    await fails(['put-parameter', '--name', '/app/prod/url', '--value', 'x', '--overwrite', '--tags', 'Key=a,Value=1'], 'ValidationException', "tags and overwrite can't be used together");
  });

  it('holds tier sizes, and refuses names, patterns and types as AWS does', async () => {
    // The CLI for a few, the SDK (the same wire answers, faster to start) for the rest.
    await fails(['put-parameter', '--name', '/big', '--value', 'x'.repeat(4097), '--type', 'String'], 'ValidationException', 'Standard tier parameters support a maximum parameter value of 4096 characters.');
    expect(await run('put-parameter', '--name', '/big', '--value', 'x'.repeat(8192), '--type', 'String', '--tier', 'Advanced')).toEqual({ Version: 1, Tier: 'Advanced' });
    await fails(['put-parameter', '--name', '/' + Array.from({ length: 16 }, (_, i) => `l${i}`).join('/'), '--value', 'x', '--type', 'String'], 'HierarchyLevelLimitExceededException', 'A hierarchy can have a maximum of 15 levels.');
    await fails(['put-parameter', '--name', 'ssm-x', '--value', 'x', '--type', 'String'], 'ValidationException', 'can\'t be prefixed with "ssm"');
    const put = (input: Record<string, unknown>) => ssm.send(new PutParameterCommand({ Name: '/new', Value: 'x', Type: 'String', ...input }));
    const refused = async (input: Record<string, unknown>, name: string, message?: string) => {
      const err = await put(input).then(() => undefined, (e: Error) => e);
      expect(err?.name, JSON.stringify(input).slice(0, 80)).toBe(name);
      if (message) expect(err?.message).toContain(message);
    };
    await refused({ Name: '/big', Value: 'x'.repeat(8193), Type: undefined, Overwrite: true }, 'ValidationException', 'Advanced tier');
    await refused({ Name: '/big', Type: undefined, Overwrite: true, Tier: 'Standard' }, 'ValidationException', "can't downgrade");
    expect((await put({ Name: '/smart', Value: 'y'.repeat(5000), Tier: 'Intelligent-Tiering' })).Tier).toBe('Advanced');
    await refused({ Name: '/aws/x' }, 'AccessDeniedException', 'No access to reserved parameter name');
    await refused({ Name: 'a/b' }, 'ValidationException', 'Parameter name must be a fully qualified name.');
    await refused({ Name: '/bad name' }, 'ValidationException');
    await refused({ Type: undefined }, 'ValidationException', 'A parameter type is required');
    await refused({ Type: 'Number' }, 'ValidationException', 'Member must satisfy enum value set');
    await refused({ Value: 'abc', AllowedPattern: '^\\d+$' }, 'ParameterPatternMismatchException', 'Parameter value, cannot be validated against allowedPattern');
    await refused({ AllowedPattern: '(' }, 'InvalidAllowedPatternException');
    await refused({ DataType: 'aws:ec2:image' }, 'ValidationException', 'data type');
    await refused({ KeyId: 'alias/x' }, 'ValidationException', 'KeyId is required for SecureString type parameter only.');
    expect((await put({ Value: '123', AllowedPattern: '^\\d+$' })).Version).toBe(1);
    await refused({ Value: 'abc', Type: undefined, Overwrite: true }, 'ParameterPatternMismatchException');
    await expect(ssm.send(new GetParameterCommand({ Name: '/new:1:2' }))).rejects.toMatchObject({ name: 'ParameterNotFound' });
  });

  it('deletes one or many', async () => {
    await run('delete-parameter', '--name', '/new');
    await fails(['delete-parameter', '--name', '/new'], 'ParameterNotFound');
    expect(await run('delete-parameters', '--names', '/big', '/smart', '/missing')).toEqual({ DeletedParameters: ['/big', '/smart'], InvalidParameters: ['/missing'] });
    await fails(['get-parameter', '--name', '/big'], 'ParameterNotFound');
  });
});
