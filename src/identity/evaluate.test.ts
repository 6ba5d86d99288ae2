// The evaluator against IAM's rules: explicit Deny wins, then Allow, default deny; wildcards, NotAction/NotResource,
// condition operators; and properties that must hold for any policy set.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, type AuthzRequest, type Decision } from './evaluate.js';
import { compilePolicy, parsePolicy } from './policy.js';

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const compile = (text: string) => compilePolicy(parsePolicy(text));
const ctx = (o: Record<string, string>) => new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), [v]]));
const CLUSTER = 'arn:aws:ecs:us-east-1:000000000000:cluster/demo';

const cases: { name: string; policies: string[]; action: string; resource?: string; context?: Record<string, string>; want: Decision }[] = [
  { name: 'nothing attached denies', policies: [], action: 'ecs:DescribeClusters', want: 'implicit-deny' },
  { name: 'exact action', policies: [doc({ Effect: 'Allow', Action: 'ecs:DescribeClusters', Resource: '*' })], action: 'ecs:DescribeClusters', want: 'allow' },
  { name: 'actions are case-insensitive', policies: [doc({ Effect: 'Allow', Action: 'ECS:describeclusters', Resource: '*' })], action: 'ecs:DescribeClusters', want: 'allow' },
  { name: 'prefix wildcard', policies: [doc({ Effect: 'Allow', Action: ['ecs:Describe*', 'ecs:List*'], Resource: '*' })], action: 'ecs:ListTasks', want: 'allow' },
  { name: 'wildcard does not reach other verbs', policies: [doc({ Effect: 'Allow', Action: 'ecs:Describe*', Resource: '*' })], action: 'ecs:RunTask', want: 'implicit-deny' },
  { name: '? is one character', policies: [doc({ Effect: 'Allow', Action: 'ecs:?unTask', Resource: '*' })], action: 'ecs:RunTask', want: 'allow' },
  { name: '? is exactly one', policies: [doc({ Effect: 'Allow', Action: 'ecs:?Task', Resource: '*' })], action: 'ecs:RunTask', want: 'implicit-deny' },
  { name: 'service wildcard', policies: [doc({ Effect: 'Allow', Action: 'ecs:*', Resource: '*' })], action: 'ecr:ListImages', want: 'implicit-deny' },
  { name: 'explicit deny beats allow', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*' }), doc({ Effect: 'Deny', Action: 'ecs:RunTask', Resource: '*' })], action: 'ecs:RunTask', want: 'explicit-deny' },
  { name: 'deny elsewhere leaves allow', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'ecs:RunTask', Resource: '*' })], action: 'ecs:StopTask', want: 'allow' },
  { name: 'resource match', policies: [doc({ Effect: 'Allow', Action: 'ecs:RunTask', Resource: 'arn:aws:ecs:*:*:cluster/demo' })], action: 'ecs:RunTask', resource: CLUSTER, want: 'allow' },
  { name: 'resource mismatch', policies: [doc({ Effect: 'Allow', Action: 'ecs:RunTask', Resource: 'arn:aws:ecs:*:*:cluster/prod' })], action: 'ecs:RunTask', resource: CLUSTER, want: 'implicit-deny' },
  { name: 'resources are case-sensitive', policies: [doc({ Effect: 'Allow', Action: 'ecs:RunTask', Resource: 'arn:aws:ecs:*:*:cluster/DEMO' })], action: 'ecs:RunTask', resource: CLUSTER, want: 'implicit-deny' },
  { name: 'NotAction allows the rest', policies: [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], action: 'ecs:RunTask', want: 'allow' },
  { name: 'NotAction excludes its own', policies: [doc({ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' })], action: 'iam:CreateUser', want: 'implicit-deny' },
  { name: 'NotResource', policies: [doc({ Effect: 'Deny', Action: '*', NotResource: 'arn:aws:ecs:*:*:cluster/demo' }, { Effect: 'Allow', Action: '*', Resource: '*' })], action: 'ecs:RunTask', resource: 'arn:aws:ecs:us-east-1:0:cluster/prod', want: 'explicit-deny' },
  { name: 'NotResource spares its own', policies: [doc({ Effect: 'Deny', Action: '*', NotResource: 'arn:aws:ecs:*:*:cluster/demo' }, { Effect: 'Allow', Action: '*', Resource: '*' })], action: 'ecs:RunTask', resource: CLUSTER, want: 'allow' },
  { name: 'StringEquals on username', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:username': 'alice' } } })], action: 'ecs:RunTask', context: { 'aws:username': 'alice' }, want: 'allow' },
  { name: 'StringEquals mismatch', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:username': 'alice' } } })], action: 'ecs:RunTask', context: { 'aws:username': 'bob' }, want: 'implicit-deny' },
  { name: 'condition key names are case-insensitive', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'AWS:UserName': 'alice' } } })], action: 'ecs:RunTask', context: { 'aws:username': 'alice' }, want: 'allow' },
  { name: 'absent key fails StringEquals', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:username': 'alice' } } })], action: 'ecs:RunTask', want: 'implicit-deny' },
  { name: 'absent key passes StringNotEquals', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:username': 'alice' } } })], action: 'ecs:RunTask', want: 'allow' },
  { name: 'StringEqualsIfExists passes when absent', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEqualsIfExists: { 'aws:username': 'alice' } } })], action: 'ecs:RunTask', want: 'allow' },
  { name: 'StringLike', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringLike: { 'aws:username': 'dev-*' } } })], action: 'ecs:RunTask', context: { 'aws:username': 'dev-7' }, want: 'allow' },
  { name: 'StringNotLike', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringNotLike: { 'aws:username': 'dev-*' } } })], action: 'ecs:RunTask', context: { 'aws:username': 'dev-7' }, want: 'implicit-deny' },
  { name: 'ArnLike', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/ops-*' } } })], action: 'ecs:RunTask', context: { 'aws:principalarn': 'arn:aws:iam::0:user/ops-1' }, want: 'allow' },
  { name: 'ArnEquals', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::0:user/a' } } })], action: 'ecs:RunTask', context: { 'aws:principalarn': 'arn:aws:iam::0:user/b' }, want: 'implicit-deny' },
  { name: 'Bool on SecureTransport (deny plain HTTP)', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })], action: 'ecs:RunTask', context: { 'aws:securetransport': 'false' }, want: 'explicit-deny' },
  { name: 'Bool with a JSON boolean', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': true } } })], action: 'ecs:RunTask', context: { 'aws:securetransport': 'false' }, want: 'implicit-deny' },
  { name: 'all conditions must hold', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:username': 'alice', 'aws:RequestedRegion': 'eu-west-1' } } })], action: 'ecs:RunTask', context: { 'aws:username': 'alice', 'aws:requestedregion': 'us-east-1' }, want: 'implicit-deny' },
  { name: 'any value of a condition holds', policies: [doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } } })], action: 'ecs:RunTask', context: { 'aws:requestedregion': 'us-east-1' }, want: 'allow' },
];

describe('evaluate', () => {
  for (const c of cases) {
    it(c.name, () => {
      const req: AuthzRequest = { action: c.action, resource: c.resource ?? '*', context: ctx(c.context ?? {}) };
      expect(evaluate(c.policies.map(compile), req)).toBe(c.want);
    });
  }
});

describe('parsePolicy refuses what IAM refuses', () => {
  const bad: [string, string, RegExp][] = [
    ['not JSON', '{"Statement": [', /Syntax errors/],
    ['no Statement', '{"Version":"2012-10-17"}', /Syntax errors/],
    ['bad version', doc({ Effect: 'Allow', Action: '*', Resource: '*' }).replace('2012-10-17', '2020-01-01'), /valid version/],
    ['bad effect', doc({ Effect: 'Maybe', Action: '*', Resource: '*' }), /Invalid effect/],
    ['no action', doc({ Effect: 'Allow', Resource: '*' }), /Missing required field Action/],
    ['action without vendor', doc({ Effect: 'Allow', Action: 'RunTask', Resource: '*' }), /prefaced by a vendor/],
    ['no resource', doc({ Effect: 'Allow', Action: '*' }), /must contain resources/],
    ['resource not an ARN', doc({ Effect: 'Allow', Action: '*', Resource: 'cluster/demo' }), /ARN format/],
    ['principal in identity policy', doc({ Effect: 'Allow', Action: '*', Resource: '*', Principal: '*' }), /should not specify a principal/],
    ['unknown field', doc({ Effect: 'Allow', Action: '*', Resource: '*', Extra: 1 }), /Syntax errors/],
    ['unknown condition operator', doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringSorta: { 'aws:username': 'a' } } }), /Invalid Condition type/],
    ['duplicate Sid', doc({ Sid: 'a', Effect: 'Allow', Action: '*', Resource: '*' }, { Sid: 'a', Effect: 'Deny', Action: '*', Resource: '*' }), /unique/],
  ];
  for (const [name, text, message] of bad) {
    it(name, () => {
      expect(() => parsePolicy(text)).toThrow(message);
      try {
        parsePolicy(text);
      } catch (e) {
        expect((e as { code: string }).code).toBe('MalformedPolicyDocument');
      }
    });
  }

  it('trust policies need a Principal and no Resource', () => {
    expect(() => parsePolicy(doc({ Effect: 'Allow', Action: 'sts:AssumeRole' }), 'trust')).toThrow(/Missing required field Principal/);
    expect(() => parsePolicy(doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: '0' }, Resource: '*' }), 'trust')).toThrow(/prohibited field Resource/);
    expect(() => parsePolicy(doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 'arn:aws:iam::0:root' } }), 'trust')).not.toThrow();
  });
});

describe('evaluation properties', () => {
  const segment = fc.constantFrom('ecs', 'ecr', 'iam', 'Run', 'Describe', 'List', 'Task', 'Cluster', '*', '?');
  const actionPattern = fc.tuple(fc.constantFrom('ecs', 'ecr', 'iam', '*'), fc.array(segment, { minLength: 1, maxLength: 3 }))
    .map(([svc, parts]) => (svc === '*' ? '*' : `${svc}:${parts.join('')}`));
  const resourcePattern = fc.constantFrom('*', 'arn:aws:ecs:*:*:cluster/*', 'arn:aws:ecs:*:*:cluster/demo', 'arn:aws:ecs:us-east-1:*:cluster/d?mo');
  const statement = fc.record({
    Effect: fc.constantFrom('Allow', 'Deny'),
    Action: fc.array(actionPattern, { minLength: 1, maxLength: 3 }),
    Resource: fc.array(resourcePattern, { minLength: 1, maxLength: 2 }),
  });
  const policy = fc.array(statement, { minLength: 1, maxLength: 4 }).map((s) => JSON.stringify({ Version: '2012-10-17', Statement: s }));
  const request = fc.record({
    action: fc.constantFrom('ecs:RunTask', 'ecs:DescribeClusters', 'ecs:ListTasks', 'ecr:ListImages', 'iam:CreateUser'),
    resource: fc.constantFrom('*', CLUSTER, 'arn:aws:ecs:us-east-1:000000000000:cluster/prod'),
  });

  it('adding a Deny never turns a refusal into an allow, and adding an Allow never turns an allow into a refusal', () => {
    fc.assert(
      fc.property(fc.array(policy, { maxLength: 3 }), statement, request, (policies, extra, r) => {
        const req = { ...r, context: new Map() };
        const before = evaluate(policies.map(compile), req);
        const added = compile(JSON.stringify({ Version: '2012-10-17', Statement: [extra] }));
        const after = evaluate([...policies.map(compile), added], req);
        if (extra.Effect === 'Deny' && before !== 'allow') expect(after).not.toBe('allow');
        if (extra.Effect === 'Allow' && before === 'allow') expect(after).toBe('allow');
        if (before === 'explicit-deny') expect(after).toBe('explicit-deny');
      }),
      { numRuns: 300 },
    );
  });

  it('the order of policies and statements does not change the decision', () => {
    fc.assert(
      fc.property(fc.array(policy, { minLength: 1, maxLength: 4 }), request, (policies, r) => {
        const req = { ...r, context: new Map() };
        expect(evaluate([...policies].reverse().map(compile), req)).toBe(evaluate(policies.map(compile), req));
      }),
      { numRuns: 200 },
    );
  });
});
