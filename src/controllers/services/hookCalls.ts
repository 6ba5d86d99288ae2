// Calling AWS_LAMBDA lifecycle hooks, which in Wharf are URLs: a run that is due is POSTed the payload ECS gives a
// Lambda hook (executionId, lifecycleStage, resourceArn = the service deployment, executionDetails with the service, the
// target revision and the listener rules' weights, hookDetails) and its JSON answer is written to the run: SUCCEEDED,
// FAILED, or IN_PROGRESS with callBackDelay seconds (30 unless given) before the next call and hookDetails to pass back.
// An answer without a valid hookStatus, an HTTP error or no answer within the call timeout is FAILED, as a Lambda
// function failing is on ECS. Calls run beside the controller's passes; an answer is taken only if its run is still
// waiting for that very call, so a late answer after a rollback or a timeout changes nothing.
import type { Logger } from 'pino';
import { isHookUrl } from '../../domain/deploymentStrategy.js';
import { shiftedLoadBalancer, type HookRun, type ServiceRecord } from '../../domain/service.js';
import { Txn, type StateCache } from '../../store/cache.js';
import type { Tables } from '../../state/tables.js';
import { rulesFor } from './trafficShift.js';

const DEFAULT_CALLBACK_SECONDS = 30;
const STATUSES = new Set(['SUCCEEDED', 'FAILED', 'IN_PROGRESS']);

export interface HookCallerOptions {
  cache: StateCache;
  tables: Tables;
  logger: Logger;
  now: () => Date;
  /** Called once an answer is written, so the service is reconciled at once. */
  answered: (serviceId: string) => void;
  callTimeoutMs?: number;
}

/** What ECS sends a Lambda hook, for run `run` of service `rec`. */
export function hookPayload(rec: ServiceRecord, run: HookRun, hookDetails: unknown): Record<string, unknown> {
  // A rollback's run belongs to the service deployment rolled back (the newest one rolling back to its deployment).
  const sd = run.rollback
    ? rec.serviceDeployments?.find((d) => d.rollbackDeploymentId === run.deploymentId)
    : rec.serviceDeployments?.find((d) => d.deploymentId === run.deploymentId);
  const lb = shiftedLoadBalancer(rec);
  const rules = lb ? rulesFor(rec, lb) : [];
  const adv = lb?.advancedConfiguration;
  const weights = (ruleArn: string | undefined) => {
    const groups = rules.find((r) => r.ruleArn === ruleArn)?.groups ?? [];
    const total = groups.reduce((n, g) => n + g.weight, 0) || 1;
    return Object.fromEntries(groups.map((g) => [g.targetGroupArn, Math.round((g.weight * 1000) / total) / 10]));
  };
  return {
    executionId: run.hookId,
    lifecycleStage: run.stage,
    resourceArn: sd?.arn,
    executionDetails: {
      testTrafficWeights: adv?.testListenerRule ? weights(adv.testListenerRule) : {},
      productionTrafficWeights: weights(adv?.productionListenerRule),
      serviceArn: rec.service.serviceArn,
      targetServiceRevisionArn: rec.revisionIds?.[run.deploymentId],
    },
    ...(hookDetails === undefined ? {} : { hookDetails }),
  };
}

type Outcome = Pick<HookRun, 'status' | 'reason' | 'hookDetails'> & { delaySeconds?: number };

/** The run's next state from the target's answer. */
export function readAnswer(httpStatus: number, body: unknown): Outcome {
  if (httpStatus < 200 || httpStatus > 299) return { status: 'FAILED', reason: `the hook answered HTTP ${httpStatus}` };
  const b = (body ?? {}) as { hookStatus?: unknown; callBackDelay?: unknown; hookDetails?: unknown };
  if (typeof b.hookStatus !== 'string' || !STATUSES.has(b.hookStatus)) return { status: 'FAILED', reason: 'the hook returned no valid hookStatus' };
  if (b.hookStatus !== 'IN_PROGRESS') return { status: b.hookStatus as 'SUCCEEDED' | 'FAILED', ...(b.hookStatus === 'FAILED' ? { reason: 'the hook returned FAILED' } : {}) };
  const delay = typeof b.callBackDelay === 'number' && b.callBackDelay >= 0 ? b.callBackDelay : DEFAULT_CALLBACK_SECONDS;
  return { status: 'IN_PROGRESS', delaySeconds: delay, hookDetails: b.hookDetails };
}

export class HookCaller {
  private readonly inFlight = new Set<string>();

  constructor(private readonly opts: HookCallerOptions) {}

  /** Starts a call for every run of the service that is due and not being called already. */
  callDue(serviceId: string): void {
    const rec = this.opts.tables.services.get(serviceId)?.value;
    const now = this.opts.now();
    for (const run of rec?.blueGreen?.hooks ?? []) {
      if (run.targetType !== 'AWS_LAMBDA' || !isHookUrl(run.targetArn) || run.status !== 'IN_PROGRESS' || !run.nextCallAt || run.nextCallAt > now) continue;
      if (this.inFlight.has(run.hookId)) continue;
      this.inFlight.add(run.hookId);
      void this.call(serviceId, rec!, run).finally(() => {
        this.inFlight.delete(run.hookId);
        this.opts.answered(serviceId);
      });
    }
  }

  private async call(serviceId: string, rec: ServiceRecord, run: HookRun): Promise<void> {
    const configured = rec.service.deploymentConfiguration?.lifecycleHooks?.[run.index]?.hookDetails;
    const body = hookPayload(rec, run, run.hookDetails ?? configured);
    let outcome: Outcome;
    try {
      const res = await fetch(run.targetArn!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.callTimeoutMs ?? 30_000),
      });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      outcome = readAnswer(res.status, parsed);
    } catch (err) {
      outcome = { status: 'FAILED', reason: `the hook could not be called: ${(err as Error).message}` };
    }
    const { cache, tables } = this.opts;
    await cache.update(() => {
      const row = tables.services.get(serviceId);
      const st = row?.value.blueGreen;
      const current = st?.hooks?.find((h) => h.hookId === run.hookId);
      if (!row || !st || !current || current.status !== 'IN_PROGRESS' || current.calls !== run.calls) return { txn: new Txn(), result: null };
      const now = this.opts.now();
      const next: HookRun = {
        ...current,
        status: outcome.status,
        calls: current.calls + 1,
        ...(outcome.reason ? { reason: outcome.reason } : {}),
        ...(outcome.status === 'IN_PROGRESS'
          ? { nextCallAt: new Date(now.getTime() + (outcome.delaySeconds ?? DEFAULT_CALLBACK_SECONDS) * 1000), hookDetails: outcome.hookDetails ?? current.hookDetails }
          : { nextCallAt: undefined }),
      };
      const rec2: ServiceRecord = { ...row.value, blueGreen: { ...st, hooks: st.hooks!.map((h) => (h === current ? next : h)) } };
      return { txn: new Txn().put(tables.services, row.id, rec2, row.modRevision), result: null };
    });
    if (outcome.status === 'FAILED') this.opts.logger.info({ service: serviceId, hookId: run.hookId, reason: outcome.reason }, 'lifecycle hook failed');
  }
}
