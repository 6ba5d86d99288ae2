// Why this exists: validation runs on every request; this keeps the compiled walk fast enough for the gateway's
// 5,000 req/s target with a wide margin (it asserts a tenth of what one core of a 2-core machine measures, per CPU
// second of this process, so a busy machine does not fail it).

import { describe, expect, it } from 'vitest';
import { decodeQueryInput, loadModel, validateInput } from './index.js';

/** Calls per second of this process's own CPU time: other processes sharing the cores do not lower it. */
function rate(fn: () => void, cpuMs = 300): number {
  for (let i = 0; i < 200; i++) fn(); // warm up and compile
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const start = cpu();
  let n = 0;
  while (cpu() - start < cpuMs) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
  }
  return (n / (cpu() - start)) * 1000;
}

describe('validation throughput', () => {
  it('validates a two-container RegisterTaskDefinition well above 5,000/s', () => {
    const ecs = loadModel('ecs');
    const body = JSON.stringify({
      family: 'web',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '512',
      memory: '1024',
      containerDefinitions: ['web', 'sidecar'].map((name) => ({
        name,
        image: 'nginx:1.27',
        essential: true,
        portMappings: [{ containerPort: 80, protocol: 'tcp' }],
        environment: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'g' } },
        healthCheck: { command: ['CMD', 'true'], interval: 30 },
      })),
      tags: [{ key: 'env', value: 'prod' }],
    });
    const perSecond = rate(() => validateInput(ecs, 'RegisterTaskDefinition', JSON.parse(body), {
      validationErrorCode: 'InvalidParameterException',
    }));
    console.log(`RegisterTaskDefinition (JSON.parse + validate): ${Math.round(perSecond)}/s`);
    expect(perSecond).toBeGreaterThan(5_000);
  });

  it('decodes an ELBv2 CreateTargetGroup well above 5,000/s', () => {
    const elbv2 = loadModel('elbv2');
    const form = 'Action=CreateTargetGroup&Version=2015-12-01&Name=web&Protocol=HTTP&Port=80&VpcId=vpc-1' +
      '&Matcher.HttpCode=200&Tags.member.1.Key=env&Tags.member.1.Value=prod';
    const perSecond = rate(() => decodeQueryInput(elbv2, 'CreateTargetGroup', new URLSearchParams(form)));
    console.log(`CreateTargetGroup (URLSearchParams + decode): ${Math.round(perSecond)}/s`);
    expect(perSecond).toBeGreaterThan(5_000);
  });
});
