// The state machine's decisions on prepared state: no Docker, no timers.
import { describe, expect, it } from 'vitest';
import type { ContainerDefinition } from '../protocol.js';
import { nextStep } from './nextStep.js';
import { Status } from './status.js';
import type { ContainerState, TaskState } from './state.js';
import { mustStop, taskHealth, taskKnownStatus } from './task.js';
import { apiStatus } from './status.js';

function c(name: string, known: Status, def: Partial<ContainerDefinition> = {}, extra: Partial<ContainerState> = {}): ContainerState {
  return { name, containerArn: name, internal: false, definition: { name, image: 'x', ...def }, hostPorts: [], dockerName: name, known, desired: Status.RUNNING, health: 'UNKNOWN', bindings: [], inFlight: false, ...extra };
}

function t(containers: ContainerState[], extra: Partial<TaskState> = {}): TaskState {
  const task = { taskArn: 'arn', clusterArn: 'c', family: 'f', revision: 1, desiredStatus: 'RUNNING' as const, launchType: 'EC2' as const, networkMode: 'bridge' as const, volumes: [], containers: [] };
  return { task, known: Status.NONE, desired: 'RUNNING', containers, volumesReady: true, cleanedUp: false, ...extra };
}

const ran = { startedAt: new Date(0) };

describe('nextStep', () => {
  it('walks NONE -> PULLED -> CREATED -> RUNNING', () => {
    expect(nextStep(t([c('a', Status.NONE)]), c('a', Status.NONE), 0)).toEqual({ next: Status.PULLED, action: 'pull' });
    const created = c('a', Status.PULLED);
    expect(nextStep(t([created]), created, 0)).toEqual({ next: Status.CREATED, action: 'create' });
    const start = c('a', Status.CREATED);
    expect(nextStep(t([start]), start, 0)).toEqual({ next: Status.RUNNING, action: 'start' });
    const running = c('a', Status.RUNNING);
    expect(nextStep(t([running]), running, 0)).toEqual({ action: 'none' });
  });

  it('waits while a call is in flight, and for volumes before create', () => {
    const a = c('a', Status.PULLED, {}, { inFlight: true });
    expect(nextStep(t([a]), a, 0).blockedOn).toBe('runtime call in progress');
    const b = c('b', Status.PULLED);
    expect(nextStep(t([b], { volumesReady: false }), b, 0)).toEqual({ action: 'none', blockedOn: 'task volumes' });
  });

  it('blocks start on dependsOn and gives up after the dependency startTimeout', () => {
    const db = c('db', Status.RUNNING, { startTimeout: 5, healthCheck: { command: ['CMD', 'true'] } }, ran);
    const app = c('app', Status.CREATED, { dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] }, { blockedSince: 1000 });
    const task = t([db, app]);
    expect(nextStep(task, app, 2000)).toMatchObject({ action: 'none', blockedOn: 'db HEALTHY' });
    expect(nextStep(task, app, 6000)).toMatchObject({ action: 'mark-stopped', reason: expect.stringMatching(/startTimeout of 5 s/) });
    db.health = 'HEALTHY';
    expect(nextStep(task, app, 6000)).toMatchObject({ action: 'start' });
  });

  it('fails a SUCCESS dependency that exited non-zero; COMPLETE accepts any exit', () => {
    const init = c('init', Status.STOPPED, {}, { ...ran, exitCode: 1 });
    const app = c('app', Status.CREATED, { dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] });
    expect(nextStep(t([init, app]), app, 0)).toMatchObject({ action: 'mark-stopped', reason: expect.stringMatching(/exited with code 1/) });
    const other = c('other', Status.CREATED, { dependsOn: [{ containerName: 'init', condition: 'COMPLETE' }] });
    expect(nextStep(t([init, other]), other, 0)).toMatchObject({ action: 'start' });
  });

  it('stops dependents before their dependencies, and the pause container last', () => {
    const db = c('db', Status.RUNNING, {}, ran);
    const app = c('app', Status.RUNNING, { dependsOn: [{ containerName: 'db', condition: 'START' }] }, ran);
    const pause = c('pause', Status.RUNNING, {}, { ...ran, internal: true });
    const task = t([pause, db, app], { desired: 'STOPPED' });
    expect(nextStep(task, app, 0)).toEqual({ next: Status.STOPPED, action: 'stop' });
    expect(nextStep(task, db, 0)).toMatchObject({ action: 'none', blockedOn: 'app to stop' });
    expect(nextStep(task, pause, 0).action).toBe('none');
    const never = c('never', Status.PULLED);
    expect(nextStep(t([never], { desired: 'STOPPED' }), never, 0)).toEqual({ next: Status.STOPPED, action: 'mark-stopped' });
  });
});

describe('task rules', () => {
  it('stops the task when an essential container exits, not a non-essential one', () => {
    const side = c('side', Status.STOPPED, { essential: false }, { ...ran, exitCode: 0 });
    const main = c('main', Status.RUNNING, {}, ran);
    expect(mustStop(t([main, side], { known: Status.RUNNING }))).toBeUndefined();
    main.known = Status.STOPPED;
    expect(mustStop(t([main, side], { known: Status.RUNNING }))).toEqual({ stopCode: 'EssentialContainerExited', reason: 'Essential container in task exited' });
  });

  it('fails the task when any container fails before it ran', () => {
    const bad = c('bad', Status.STOPPED, { essential: false }, { reason: 'CannotPullContainerError: nope' });
    expect(mustStop(t([bad, c('ok', Status.PULLED)]))).toEqual({ stopCode: 'TaskFailedToStart', reason: 'CannotPullContainerError: nope' });
  });

  it('derives known status and health from the containers, never backwards', () => {
    const a = c('a', Status.RUNNING, { healthCheck: { command: ['CMD', 'true'] } }, { ...ran, health: 'HEALTHY' });
    const b = c('b', Status.CREATED);
    expect(taskKnownStatus(t([a, b]))).toBe(Status.CREATED);
    Object.assign(b, { known: Status.STOPPED, ...ran });
    expect(taskKnownStatus(t([a, b]))).toBe(Status.RUNNING);
    expect(taskKnownStatus(t([a, c('x', Status.NONE)], { known: Status.RUNNING }))).toBe(Status.RUNNING);
    expect(taskHealth(t([a, b]))).toBe('HEALTHY');
    a.health = 'UNHEALTHY';
    expect(taskHealth(t([a, b]))).toBe('UNHEALTHY');
  });

  it('maps internal statuses to the API in one place', () => {
    expect([Status.NONE, Status.PULLED, Status.CREATED, Status.RUNNING, Status.STOPPED].map(apiStatus)).toEqual(['PENDING', 'PENDING', 'PENDING', 'RUNNING', 'STOPPED']);
  });
});
