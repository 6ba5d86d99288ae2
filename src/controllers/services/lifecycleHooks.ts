// Lifecycle hooks of traffic-shifting deployments, pure: a stage with hooks is a gate the deployment waits at until
// every hook of that stage SUCCEEDED. Reaching a gate starts one run per hook: an AWS_LAMBDA hook (a URL, called by the
// controller: hookCalls.ts, or a task definition run as a one-shot task: hookTaskStep) starts IN_PROGRESS and due at once; a PAUSE hook AWAITING_ACTION until
// ContinueServiceDeployment. A run not finished by its expiry is TIMED_OUT and its timeoutAction decides (ROLLBACK by
// default). A FAILED run, or one TIMED_OUT with ROLLBACK, fails the deployment and rolls it back as an alarm does.
// A rollback runs the hooks of TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT again, as ECS does (runs marked
// `rollback`): an IN_PROGRESS answer holds the rollback there, and any final answer lets it go on, since there is no
// older revision to roll back to; a failed one only makes the rollback end ROLLBACK_FAILED (serviceDeployments.ts).
import type { Deployment, DeploymentConfiguration } from '@aws-sdk/client-ecs';
import { randomBytes } from 'node:crypto';
import { RolloutReasons, ServiceEvents } from '../../domain/deployment.js';
import { isHookTaskDefinition } from '../../domain/deploymentStrategy.js';
import type { BlueGreenState, HookRun, ServiceRecord } from '../../domain/service.js';
import type { TaskRecord } from '../../domain/task.js';
import { addEvent } from './events.js';
import { rollBackTo } from './rollback.js';

/** ECS's default hook timeout: 24 hours. */
const DEFAULT_TIMEOUT_MINUTES = 1440;

const hookId = (type: string) => `ecs-${type === 'PAUSE' ? 'pause' : 'hook'}-${randomBytes(32).toString('base64url')}`;

/** Runs not finished by their expiry become TIMED_OUT. */
export function expireHooks(st: BlueGreenState | undefined, now: Date): BlueGreenState | undefined {
  if (!st?.hooks?.some((h) => open(h) && now >= h.expiresAt)) return st;
  return { ...st, hooks: st.hooks.map((h) => (open(h) && now >= h.expiresAt ? { ...h, status: 'TIMED_OUT' as const, reason: 'timed out' } : h)) };
}

const open = (h: HookRun) => h.status === 'IN_PROGRESS' || h.status === 'AWAITING_ACTION';
const passed = (h: HookRun) => h.status === 'SUCCEEDED' || (h.status === 'TIMED_OUT' && h.timeoutAction === 'CONTINUE');
/** A run whose answer (or timeout) says to roll back. */
export const failed = (h: HookRun) => h.status === 'FAILED' || (h.status === 'TIMED_OUT' && h.timeoutAction === 'ROLLBACK');

/**
 * Whether the deployment `pid` may go past `stage` (its `occurrence`): every hook configured for the stage has a run
 * that passed (in a `rollback`, that finished at all). Runs missing are started here (so a gate is only ever opened
 * by reaching it).
 */
export function gate(
  st: BlueGreenState,
  cfg: DeploymentConfiguration,
  pid: string,
  stage: string,
  occurrence: number,
  now: Date,
  minuteMs: number,
  rollback = false,
): { st: BlueGreenState; open: boolean } {
  const hooks = (cfg.lifecycleHooks ?? []).map((h, index) => ({ h, index })).filter(({ h }) => h.lifecycleStages?.includes(stage as never));
  if (hooks.length === 0) return { st, open: true };
  let runs = st.hooks ?? [];
  let ok = true;
  for (const { h, index } of hooks) {
    let run = runs.find((r) => r.deploymentId === pid && r.index === index && r.stage === stage && r.occurrence === occurrence && !!r.rollback === rollback);
    if (!run) {
      const type = h.targetType ?? 'AWS_LAMBDA';
      run = {
        hookId: hookId(type),
        deploymentId: pid,
        index,
        stage,
        occurrence,
        ...(rollback ? { rollback: true } : {}),
        targetType: type,
        ...(type === 'PAUSE' ? {} : { targetArn: h.hookTargetArn, nextCallAt: now }),
        status: type === 'PAUSE' ? 'AWAITING_ACTION' : 'IN_PROGRESS',
        startedAt: now,
        expiresAt: new Date(now.getTime() + (h.timeoutConfiguration?.timeoutInMinutes ?? DEFAULT_TIMEOUT_MINUTES) * minuteMs),
        timeoutAction: h.timeoutConfiguration?.action ?? 'ROLLBACK',
        calls: 0,
      };
      runs = [...runs, run];
    }
    if (rollback ? open(run) : !passed(run)) ok = false;
  }
  return { st: runs === st.hooks ? st : { ...st, hooks: runs }, open: ok };
}

/** The run that fails the PRIMARY deployment, if any. */
export const failedHook = (st: BlueGreenState | undefined, pid: string) => st?.hooks?.find((h) => h.deploymentId === pid && !h.rollback && failed(h));

const rollingBack = (d: Deployment) => /rolling back/.test(d.rolloutStateReason ?? '');

/**
 * Hooks' outcomes before a pass plans: runs past their expiry time out; a failed run fails the PRIMARY deployment (its
 * service deployment ROLLBACK_IN_PROGRESS), and the last completed deployment becomes PRIMARY again: the same one
 * while its tasks run (blue), so production goes back at once, else a new deployment of it.
 */
export function applyHookOutcomes(rec: ServiceRecord, now: Date): ServiceRecord {
  const st = expireHooks(rec.blueGreen, now);
  if (st !== rec.blueGreen) rec = { ...rec, blueGreen: st };
  const primary = rec.deployments[0];
  if (!primary || primary.rolloutState !== 'IN_PROGRESS' || rollingBack(primary)) return rec;
  const run = failedHook(rec.blueGreen, primary.id!);
  if (!run) return rec;
  const name = rec.service.serviceName!;
  const why = RolloutReasons.hookFailed(run.hookId, run.stage, run.status);
  const failedDep: Deployment = { ...primary, rolloutState: 'FAILED', rolloutStateReason: why, updatedAt: now };
  const out = addEvent({ ...rec, deployments: [failedDep, ...rec.deployments.slice(1)] }, ServiceEvents.hookFailed(name, primary.id!, run.hookId, run.stage), now);
  const target = out.lastCompleted;
  if (!target || target.id === primary.id) return out;
  return rollBackTo(out, target, RolloutReasons.rollingBackOnHook(target.id!), now, true);
}

/** Service events for runs a pass started: a PAUSE hook awaiting action, a URL hook being called. */
export function announceHooks(rec: ServiceRecord, before: BlueGreenState | undefined, now: Date): ServiceRecord {
  const known = new Set((before?.hooks ?? []).map((h) => h.hookId));
  const name = rec.service.serviceName!;
  for (const h of rec.blueGreen?.hooks ?? []) {
    if (known.has(h.hookId)) continue;
    rec = addEvent(
      rec,
      h.targetType === 'PAUSE' ? ServiceEvents.hookAwaiting(name, h.deploymentId, h.hookId, h.stage) : ServiceEvents.hookInvoked(name, h.deploymentId, h.hookId, h.stage),
      now,
    );
  }
  return rec;
}

/**
 * Hook targets that are task definitions: a run not started yet is to be launched (once: `calls` 1 marks it), and a
 * run whose task has STOPPED takes its outcome: SUCCEEDED when every essential container exited 0, else FAILED.
 */
export function hookTaskStep(rec: ServiceRecord, tasks: readonly TaskRecord[], _now: Date): { rec: ServiceRecord; launch: HookRun[] } {
  const st = rec.blueGreen;
  const launch: HookRun[] = [];
  if (!st?.hooks?.length) return { rec, launch };
  let changed = false;
  const hooks = st.hooks.map((run): HookRun => {
    if (run.targetType !== 'AWS_LAMBDA' || run.status !== 'IN_PROGRESS' || !isHookTaskDefinition(run.targetArn)) return run;
    const task = tasks.find((t) => t.task.startedBy === run.hookId);
    if (!task) {
      if (run.calls > 0) return run;
      const started = { ...run, calls: 1, nextCallAt: undefined };
      launch.push(started);
      changed = true;
      return started;
    }
    if (task.task.lastStatus !== 'STOPPED') return run;
    const essential = (task.task.containers ?? []).filter((c) => !task.essentialContainers || task.essentialContainers.includes(c.name!));
    const bad = essential.find((c) => c.exitCode !== 0);
    changed = true;
    if (!bad && essential.length > 0) return { ...run, status: 'SUCCEEDED' };
    const why = bad?.exitCode !== undefined ? `the hook task's container ${bad.name} exited with code ${bad.exitCode}` : `the hook task stopped: ${task.task.stoppedReason ?? 'no exit code'}`;
    return { ...run, status: 'FAILED', reason: why };
  });
  return changed ? { rec: { ...rec, blueGreen: { ...st, hooks } }, launch } : { rec, launch };
}
