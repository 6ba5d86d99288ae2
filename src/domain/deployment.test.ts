import { describe, expect, it } from 'vitest';
import { circuitBreakerThreshold, isDeploymentId, maximumTasks, minimumHealthyTasks, newDeploymentId, ServiceEvents } from './deployment.js';

describe('deployment rules', () => {
  it('makes ecs-svc/ ids of 19 digits', () => {
    for (let i = 0; i < 50; i++) expect(isDeploymentId(newDeploymentId())).toBe(true);
  });
  it('rounds minimumHealthyPercent up and maximumPercent down', () => {
    expect(minimumHealthyTasks(3, { minimumHealthyPercent: 50 })).toBe(2);
    expect(minimumHealthyTasks(4, { minimumHealthyPercent: 50 })).toBe(2);
    expect(maximumTasks(3, { maximumPercent: 150 })).toBe(4);
    expect(maximumTasks(5, { maximumPercent: 110 })).toBe(5);
    expect(maximumTasks(20, { maximumPercent: 200 })).toBe(40);
  });
  it('bounds the circuit breaker threshold to 3..200', () => {
    expect(circuitBreakerThreshold(1)).toBe(3);
    expect(circuitBreakerThreshold(10)).toBe(5);
    expect(circuitBreakerThreshold(11)).toBe(6);
    expect(circuitBreakerThreshold(1000)).toBe(200);
  });
  it('words events as ECS does', () => {
    expect(ServiceEvents.started('web', ['a', 'b'])).toBe('(service web) has started 2 tasks: (task a) (task b).');
    expect(ServiceEvents.stopped('web', ['a'])).toBe('(service web) has stopped 1 running tasks: (task a).');
    expect(ServiceEvents.deploymentCompleted('web', 'ecs-svc/1')).toBe('(service web) (deployment ecs-svc/1) deployment completed.');
  });
});
