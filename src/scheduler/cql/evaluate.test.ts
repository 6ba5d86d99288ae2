import { describe, expect, it } from 'vitest';
import { instance } from '../testing.js';
import { evaluate } from './evaluate.js';
import { parseExpression } from './parser.js';
import type { InstanceView } from '../types.js';

function matches(text: string, target: InstanceView): boolean {
  const r = parseExpression(text);
  if (!r.ok) throw new Error(r.error);
  return evaluate(r.expression, target);
}

const t2small = instance({ instanceType: 't2.small', az: 'us-east-1a', attributes: { stack: 'prod' } });
const g2big = instance({ instanceType: 'g2.2xlarge', az: 'us-east-1d' });
const g2east = instance({ instanceType: 'g2.2xlarge', az: 'us-east-1b', taskGroups: { 'service:production': 2 } });
const db = instance({
  ec2InstanceId: 'i-abcd1234',
  taskGroups: { database: 1 },
  agentVersion: '1.14.4',
  registeredAt: Date.UTC(2018, 1, 12),
  attributes: { 'ecs.capability.task-eni': undefined },
});

describe('evaluate: ECS documented examples', () => {
  it('string equality', () => {
    expect(matches('attribute:ecs.instance-type == t2.small', t2small)).toBe(true);
    expect(matches('attribute:ecs.instance-type == t2.small', g2big)).toBe(false);
  });

  it('argument list', () => {
    const e = 'attribute:ecs.availability-zone in [us-east-1a, us-east-1b]';
    expect(matches(e, t2small)).toBe(true);
    expect(matches(e, g2east)).toBe(true);
    expect(matches(e, g2big)).toBe(false);
  });

  it('compound expression: G2 instances not in us-east-1d', () => {
    const e = 'attribute:ecs.instance-type =~ g2.* and attribute:ecs.availability-zone != us-east-1d';
    expect(matches(e, g2east)).toBe(true);
    expect(matches(e, g2big)).toBe(false);
    expect(matches(e, t2small)).toBe(false);
  });

  it('task affinity and anti-affinity', () => {
    expect(matches('task:group == service:production', g2east)).toBe(true);
    expect(matches('task:group == service:production', t2small)).toBe(false);
    expect(matches('not(task:group == database)', db)).toBe(false);
    expect(matches('not(task:group == database)', t2small)).toBe(true);
  });

  it('running task count', () => {
    expect(matches('runningTasksCount == 1', db)).toBe(true);
    expect(matches('runningTasksCount == 1', g2east)).toBe(false);
    expect(matches('runningTasksCount > 1', g2east)).toBe(true);
  });

  it('agent version compares as a version, not as text', () => {
    expect(matches('agentVersion < 1.14.5', db)).toBe(true);
    expect(matches('agentVersion < 1.14.5', instance({ agentVersion: '1.9.0' }))).toBe(true);
    expect(matches('agentVersion < 1.14.5', instance({ agentVersion: '1.100.0' }))).toBe(false);
  });

  it('registration time', () => {
    expect(matches('registeredAt < 2018-02-13', db)).toBe(true);
    expect(matches('registeredAt >= 2018-02-13', db)).toBe(false);
    expect(matches('registeredAt == 2018-02-12', db)).toBe(true);
  });

  it('EC2 instance id', () => {
    expect(matches("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", db)).toBe(true);
    expect(matches("ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", t2small)).toBe(false);
    expect(matches('ec2InstanceId =~ i-abcd.*', db)).toBe(true);
  });

  it('custom attributes', () => {
    expect(matches('attribute:stack == prod', t2small)).toBe(true);
    expect(matches('attribute:stack != prod', t2small)).toBe(false);
    // An instance without the attribute is "not prod".
    expect(matches('attribute:stack != prod', g2big)).toBe(true);
  });
});

describe('evaluate: operators', () => {
  it('exists and !exists, including attributes without a value', () => {
    expect(matches('attribute:ecs.capability.task-eni exists', db)).toBe(true);
    expect(matches('attribute:ecs.capability.task-eni !exists', db)).toBe(false);
    expect(matches('attribute:ecs.capability.task-eni not_exists', t2small)).toBe(true);
    expect(matches('attribute:ecs.capability.task-eni == x', db)).toBe(false);
  });

  it('not in and not matches hold for absent values', () => {
    expect(matches('attribute:stack !in [prod, dev]', g2big)).toBe(true);
    expect(matches('attribute:stack not_in [prod, dev]', t2small)).toBe(false);
    expect(matches('attribute:stack !~ pr.*', g2big)).toBe(true);
    expect(matches('attribute:stack !~ pr.*', t2small)).toBe(false);
  });

  it('orders numeric attribute values as numbers', () => {
    const big = instance({ attributes: { disks: '10' } });
    expect(matches('attribute:disks > 9', big)).toBe(true);
    expect(matches('attribute:disks <= 9', big)).toBe(false);
    expect(matches('attribute:disks > 9', g2big)).toBe(false);
  });

  it('agentConnected', () => {
    expect(matches('agentConnected == true', t2small)).toBe(true);
    expect(matches('agentConnected == false', instance({ agentConnected: false }))).toBe(true);
    expect(matches('agentConnected != true', t2small)).toBe(false);
  });

  it('task:group is many-valued', () => {
    const both = instance({ taskGroups: { 'service:a': 1, 'family:b': 2 } });
    expect(matches('task:group == family:b', both)).toBe(true);
    expect(matches('task:group != family:b', both)).toBe(false);
    expect(matches('task:group in [x, service:a]', both)).toBe(true);
    expect(matches('task:group !in [x, service:a]', both)).toBe(false);
    expect(matches('task:group =~ service:.*', both)).toBe(true);
    expect(matches('task:group exists', both)).toBe(true);
    expect(matches('task:group exists', t2small)).toBe(false);
  });

  it('combines with and, or, not and parentheses', () => {
    const e = '(attribute:ecs.availability-zone == us-east-1d || attribute:stack == prod) && !(runningTasksCount > 0)';
    expect(matches(e, t2small)).toBe(true);
    expect(matches(e, g2big)).toBe(true);
    expect(matches(e, g2east)).toBe(false);
  });
});
