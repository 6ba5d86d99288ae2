// Moving service deployments along with the ECS deployments they follow, pure: PENDING starts (IN_PROGRESS), a
// completed rollout is SUCCESSFUL, a circuit breaker rollback (the breaker makes a new PRIMARY of the last completed
// deployment) turns the failed one into ROLLBACK_IN_PROGRESS and then ROLLBACK_SUCCESSFUL, a rollback or stop asked
// for through StopServiceDeployment is carried through. Called at the end of every reconcile pass with the record
// as the pass found it and as the pass leaves it.
import type { Deployment } from '@aws-sdk/client-ecs';
import { alarmsInReason, RolloutReasons } from '../../domain/deployment.js';
import type { ServiceRecord } from '../../domain/service.js';
import { isTerminal, type ServiceDeploymentRecord } from '../../domain/serviceDeployment.js';
import { failed as hookFailed } from './lifecycleHooks.js';

const isHookFailure = (reason: string | undefined) => /^ECS deployment failed: lifecycle hook /.test(reason ?? '');

export function trackServiceDeployments(before: ServiceRecord, rec: ServiceRecord, now: Date, stage?: string): ServiceRecord {
  const list = rec.serviceDeployments;
  if (!list?.length) return rec;
  const byId = new Map<string, Deployment>();
  for (const d of [...before.deployments, ...rec.deployments]) byId.set(d.id!, d);
  let revisionIds = rec.revisionIds ?? {};
  const primary = rec.deployments[0];
  const settled = rec.deployments.length === 1 && primary?.rolloutState === 'COMPLETED';

  // A PRIMARY rolling back that no service deployment under way claims is the controller's own rollback (circuit
  // breaker or alarms) of the newest one under way: a new deployment, or the last completed one made PRIMARY again.
  const claimed = new Set(list.filter((sd) => !isTerminal(sd)).flatMap((sd) => [sd.deploymentId, sd.rollbackDeploymentId ?? '']));
  // (Looked for before this pass's bookkeeping too: a rollback to running tasks may complete in the same pass.)
  let orphan = [before.deployments[0], primary].find((d) => d && /rolling back/.test(d.rolloutStateReason ?? '') && !claimed.has(d.id!));

  const next = list.map((sd): ServiceDeploymentRecord => {
    if (isTerminal(sd)) return sd;
    let out = sd;
    const set = (patch: Partial<ServiceDeploymentRecord>) => {
      out = { ...out, ...patch, updatedAt: now };
    };
    // Its lifecycle hook runs, copied as they move, so DescribeServiceDeployments shows them after the deployment too;
    // with those its rollback ran.
    const runs = rec.blueGreen?.hooks?.filter((h) => (h.rollback ? h.deploymentId === sd.rollbackDeploymentId : h.deploymentId === sd.deploymentId));
    // (Merged into those copied before: a run leaves the service's state with its deployment.)
    const merged = runs?.length ? [...(out.hooks ?? []).map((h) => runs.find((r) => r.hookId === h.hookId) ?? h), ...runs.filter((r) => !out.hooks?.some((h) => h.hookId === r.hookId))] : undefined;
    if (merged && JSON.stringify(merged) !== JSON.stringify(out.hooks)) set({ hooks: merged });
    const failed = byId.get(sd.deploymentId)?.failedTasks ?? 0;
    if (failed > (out.failedTasks ?? 0)) set({ failedTasks: failed });
    // (The failed deployment may already have left deployments[] in this same pass, having no task left.)
    if (orphan && !sd.rollbackDeploymentId) {
      const to = rec.lastCompleted?.id ? revisionIds[rec.lastCompleted.id] : undefined;
      revisionIds = { ...revisionIds, ...(to ? { [orphan.id!]: to } : {}) };
      const why = byId.get(sd.deploymentId)?.rolloutStateReason;
      const alarms = alarmsInReason(why);
      set({
        status: 'ROLLBACK_IN_PROGRESS',
        statusReason: why ?? RolloutReasons.failed,
        rollbackDeploymentId: orphan.id,
        ...(alarms ? { alarmsTriggered: alarms } : isHookFailure(why) ? {} : { breakerTriggered: true }),
        rollback: { reason: orphan.rolloutStateReason, startedAt: now, serviceRevisionArn: to },
        startedAt: out.startedAt ?? now,
      });
      orphan = undefined;
    }
    if (out.status === 'PENDING') set({ status: 'IN_PROGRESS', startedAt: now, lifecycleStage: stage ?? 'SCALE_UP' });
    if (out.status === 'ROLLBACK_REQUESTED') set({ status: 'ROLLBACK_IN_PROGRESS', startedAt: out.startedAt ?? now });
    if (out.status === 'STOP_REQUESTED') set({ status: 'STOPPED', stoppedAt: now, finishedAt: now, statusReason: RolloutReasons.aborted });

    const activeId = out.rollbackDeploymentId ?? out.deploymentId;
    const active = byId.get(activeId);
    const rollingBack = out.status === 'ROLLBACK_IN_PROGRESS';
    if ((out.status === 'IN_PROGRESS' || rollingBack) && stage && out.lifecycleStage !== stage && primary?.id === activeId) set({ lifecycleStage: stage });
    if (settled && primary!.id === activeId && (out.status === 'IN_PROGRESS' || rollingBack)) {
      // A hook of the rollback's that failed did not hold it (there is nothing older to go back to), but it did fail.
      const hook = rollingBack ? out.hooks?.find((h) => h.rollback && hookFailed(h)) : undefined;
      set({
        status: hook ? 'ROLLBACK_FAILED' : rollingBack ? 'ROLLBACK_SUCCESSFUL' : 'SUCCESSFUL',
        statusReason: hook
          ? RolloutReasons.hookFailed(hook.hookId, hook.stage, hook.status)
          : rollingBack ? 'Service deployment rolled back successfully.' : 'Service deployment completed successfully.',
        finishedAt: now,
        lifecycleStage: 'CLEAN_UP',
      });
    } else if (active?.rolloutState === 'FAILED' && out.status !== 'STOPPED') {
      // The breaker tripped with no rollback to make (or a rollback failing in turn).
      set({
        status: rollingBack ? 'ROLLBACK_FAILED' : 'STOPPED',
        statusReason: active.rolloutStateReason,
        breakerTriggered: active.rolloutStateReason === RolloutReasons.failed || out.breakerTriggered,
        alarmsTriggered: alarmsInReason(active.rolloutStateReason) ?? out.alarmsTriggered,
        stoppedAt: now,
        finishedAt: now,
      });
    } else if (!rec.deployments.some((d) => d.id === activeId) && out.status !== 'STOPPED') {
      // Its deployment left the service without completing (replaced by another): nothing more will happen.
      set({ status: 'STOPPED', statusReason: 'Superseded by a newer service deployment.', stoppedAt: now, finishedAt: now });
    }
    return out;
  });
  const changed = next.some((sd, i) => sd !== list[i]);
  if (!changed && revisionIds === rec.revisionIds) return rec;
  return { ...rec, serviceDeployments: next, revisionIds };
}
