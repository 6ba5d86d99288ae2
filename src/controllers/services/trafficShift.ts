// BLUE_GREEN, LINEAR and CANARY deployments, pure: the PRIMARY's (green) tasks start beside the old (blue) ones, in
// the target group production does not use, which the test listener rule forwards to; once all of them are healthy, production traffic moves (BLUE_GREEN at once; CANARY canaryPercent first, the rest after its bake;
// LINEAR stepPercent at a time, each step baked); then the blue tasks stay for bakeTimeInMinutes, and go. Lifecycle
// hooks hold the deployment at their stages until they pass (lifecycleHooks.ts). The service's first deployment has
// no blue: its tasks go straight into production, and its hooks still run in stage order (all but RECONCILE_SERVICE,
// which needs two revisions), the deployment completing only once they passed. A rollback (the old deployment PRIMARY
// again) moves test and production traffic back at once, then runs the TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT
// hooks (ECS's rollback stages), and stops the green tasks, without a bake, once they answered.
// What the listener rules should say follows from the state kept here (rulesFor); the controller applies it.
import type { LoadBalancer } from '@aws-sdk/client-ecs';
import type { BlueGreenState, HookRun, ServiceRecord } from '../../domain/service.js';
import { scalingReason, UNHEALTHY_REASON, type ReplicaPlan, type Stop } from './rolling.js';
import { gate } from './lifecycleHooks.js';
import { chooseToStop } from './scaleIn.js';
import type { ServiceView } from './view.js';

export interface ShiftPlan extends ReplicaPlan {
  state: BlueGreenState;
  /** The service deployment's lifecycle stage. */
  stage: string;
  /** A lifecycle hook holds the deployment: it is not complete, whatever its tasks. */
  holding: boolean;
}

const isRollback = (reason: string | undefined) => /rolling back/.test(reason ?? '');
/** The stages whose hooks ECS runs again on a rollback. */
const ROLLBACK_STAGES = ['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'];

export function planShift(v: ServiceView, lb: LoadBalancer, opts: { launchesAllowed: boolean; minuteMs: number }): ShiftPlan {
  const rec = v.rec;
  const cfg = rec.service.deploymentConfiguration ?? {};
  const primary = rec.deployments[0]!;
  const pid = primary.id!;
  const desired = rec.service.status === 'ACTIVE' ? (rec.service.desiredCount ?? 0) : 0;
  const reason = scalingReason(pid);
  const live = v.tasks.filter((t) => t.live);

  let st: BlueGreenState = rec.blueGreen ?? { production: lb.targetGroupArn!, groups: {} };
  if (!st.groups[pid]) {
    // The first deployment of a service goes straight into production; later ones into the other target group.
    const first = Object.keys(st.groups).length === 0 && live.length === 0;
    const other = st.production === lb.targetGroupArn ? lb.advancedConfiguration!.alternateTargetGroupArn! : lb.targetGroupArn!;
    st = {
      ...st,
      groups: { ...st.groups, [pid]: first ? st.production : other },
      shift: undefined, stepUntil: undefined, step: undefined, postShift: undefined, initial: first ? pid : undefined,
    };
  }
  const present = new Set(rec.deployments.map((d) => d.id!));
  const rollback = isRollback(primary.rolloutStateReason);
  st = { ...st, groups: Object.fromEntries(Object.entries(st.groups).filter(([id]) => present.has(id))) };
  // Runs of deployments gone go, and so do a rollback's once it is over (a later rollback to the same deployment
  // runs its hooks afresh).
  const keep = (h: HookRun) => present.has(h.deploymentId) && (!h.rollback || (rollback && h.deploymentId === pid));
  if (st.hooks?.some((h) => !keep(h))) st = { ...st, hooks: st.hooks.filter(keep) };
  const green = st.groups[pid]!;
  const groupOf = (id: string) => st.groups[id] ?? st.production;

  const stops: Stop[] = [];
  const wanted = live.filter((t) => t.wanted);
  for (const t of wanted.filter((t) => t.unhealthy)) stops.push({ task: t, reason: t.unhealthyReason ?? UNHEALTHY_REASON });
  const mine = wanted.filter((t) => t.deploymentId === pid && !t.unhealthy);
  const others = wanted.filter((t) => t.deploymentId !== pid && !t.unhealthy);
  // An earlier green deployment this one superseded shares its target group: it goes now.
  for (const t of others.filter((t) => groupOf(t.deploymentId) === green && !t.protected)) stops.push({ task: t, reason });
  if (mine.length > desired) for (const t of chooseToStop(mine, mine.length - desired, wanted)) stops.push({ task: t, reason });
  const kept = mine.length - stops.filter((s) => s.task.deploymentId === pid && !s.task.unhealthy).length;

  const running = mine.filter((t) => t.rec.task.lastStatus === 'RUNNING').length >= desired;
  const healthy = mine.filter((t) => t.healthy).length >= desired;
  const minute = opts.minuteMs;
  let stage = 'SCALE_UP';
  let start = opts.launchesAllowed ? Math.max(0, desired - kept) : 0;
  // Lifecycle hooks (lifecycleHooks.ts): a stage whose hooks have not all passed holds the deployment there, and is
  // the stage the service deployment shows. A rollback runs none on its way (`pass`), only those of ROLLBACK_STAGES
  // once traffic is back (`rolledBack`).
  let waiting: string | undefined;
  const hold = (hookStage: string, occurrence: number, onRollback: boolean) => {
    const g = gate(st, cfg, pid, hookStage, occurrence, v.now, minute, onRollback);
    st = g.st;
    if (!g.open) waiting ??= hookStage;
    return g.open;
  };
  const pass = (hookStage: string, occurrence = 0) => rollback || hold(hookStage, occurrence, false);
  const rolledBack = () => ROLLBACK_STAGES.every((s) => hold(s, 0, true));
  /** Production is all on green: the bake starts once the last step's hooks and the post-shift hooks passed. */
  const afterShift = () => {
    if (pass('PRODUCTION_TRAFFIC_SHIFT', st.step ?? 1) && pass('POST_PRODUCTION_TRAFFIC_SHIFT')) {
      st = { ...st, postShift: undefined, bakeUntil: rollback ? undefined : new Date(v.now.getTime() + (cfg.bakeTimeInMinutes ?? 0) * minute) };
    } else st = { ...st, postShift: true, bakeUntil: undefined };
  };

  if (green === st.production) {
    stage = 'BAKE_TIME';
    if (st.initial === pid && primary.rolloutState === 'IN_PROGRESS' && !rollback && cfg.lifecycleHooks?.length) {
      // The first deployment: production already forwards to its group and there is no blue to keep, so no bake; its
      // hooks run in stage order all the same.
      if (!pass('PRE_SCALE_UP')) start = 0;
      else if (running && pass('POST_SCALE_UP') && healthy) {
        void (pass('TEST_TRAFFIC_SHIFT') && pass('POST_TEST_TRAFFIC_SHIFT') && pass('PRE_PRODUCTION_TRAFFIC_SHIFT', 1) &&
          pass('PRODUCTION_TRAFFIC_SHIFT', 1) && pass('POST_PRODUCTION_TRAFFIC_SHIFT'));
      }
    }
    if (st.postShift) afterShift();
    if (rollback) rolledBack();
    if (!waiting && (rollback || !st.bakeUntil || v.now >= st.bakeUntil)) {
      stage = 'CLEAN_UP';
      const stopping = new Set(stops.map((s) => s.task.id));
      for (const t of others) if (!stopping.has(t.id) && !t.protected) stops.push({ task: t, reason });
    }
  } else if (!(pass('RECONCILE_SERVICE') && pass('PRE_SCALE_UP'))) {
    start = 0;
  } else if ((running || rollback) && pass('POST_SCALE_UP')) {
    // The test listener rule forwards to the green side from the start (rulesFor); it is tested traffic once all run.
    stage = 'TEST_TRAFFIC_SHIFT';
    if (healthy && pass('TEST_TRAFFIC_SHIFT') && pass('POST_TEST_TRAFFIC_SHIFT')) {
      stage = 'PRODUCTION_TRAFFIC_SHIFT';
      const strategy = cfg.strategy ?? 'BLUE_GREEN';
      const step = st.step ?? 0;
      // The next step waits for the bake of the one before, that step's PRODUCTION_TRAFFIC_SHIFT hooks, and its own
      // PRE_PRODUCTION_TRAFFIC_SHIFT hooks.
      const due = (st.shift === undefined || !st.stepUntil || v.now >= st.stepUntil) || rollback;
      if (due && (step === 0 || pass('PRODUCTION_TRAFFIC_SHIFT', step)) && pass('PRE_PRODUCTION_TRAFFIC_SHIFT', step + 1)) {
        let shift: number;
        let stepUntil: Date | undefined;
        if (rollback || strategy === 'BLUE_GREEN') shift = 100;
        else if (strategy === 'CANARY') {
          const c = cfg.canaryConfiguration ?? {};
          if (st.shift === undefined) [shift, stepUntil] = [c.canaryPercent ?? 5, new Date(v.now.getTime() + (c.canaryBakeTimeInMinutes ?? 10) * minute)];
          else shift = 100;
        } else {
          const l = cfg.linearConfiguration ?? {};
          shift = Math.min(100, (st.shift ?? 0) + (l.stepPercent ?? 10));
          stepUntil = new Date(v.now.getTime() + (l.stepBakeTimeInMinutes ?? 6) * minute);
        }
        if (shift >= 100) {
          st = { ...st, production: green, shift: undefined, stepUntil: undefined, step: step + 1 };
          afterShift();
        } else {
          st = { ...st, shift, stepUntil, step: step + 1 };
        }
      }
    }
  }
  if (waiting) stage = waiting;
  return { start, stops, state: st, stage, holding: waiting !== undefined };
}

/** Weights in tenths of a percent (ECS's steps are multiples of 0.1%), within ELBv2's 0..999. */
function weighted(blue: string, green: string, shift: number): ForwardTo[] {
  const g = Math.min(999, Math.max(0, Math.round(shift * 10)));
  return [
    { targetGroupArn: blue, weight: g === 0 ? 999 : 1000 - g },
    { targetGroupArn: green, weight: g },
  ];
}

export interface ForwardTo {
  targetGroupArn: string;
  weight: number;
}

/** What the production and test listener rules of a traffic-shifting service forward to now. */
export function rulesFor(rec: ServiceRecord, lb: LoadBalancer): { ruleArn: string; groups: ForwardTo[] }[] {
  const st = rec.blueGreen;
  const adv = lb.advancedConfiguration;
  if (!st || !adv) return [];
  const primaryGroup = st.groups[rec.deployments[0]?.id ?? ''];
  // While green is not production it stays in the production rule at its share (0 until the shift begins): a target
  // group no rule forwards to is `unused` and never health checked, so green could never turn healthy otherwise.
  const production: ForwardTo[] =
    primaryGroup && primaryGroup !== st.production
      ? weighted(st.production, primaryGroup, st.shift ?? 0)
      : [{ targetGroupArn: st.production, weight: 1 }];
  const out = adv.productionListenerRule ? [{ ruleArn: adv.productionListenerRule, groups: production }] : [];
  if (adv.testListenerRule) out.push({ ruleArn: adv.testListenerRule, groups: [{ targetGroupArn: primaryGroup ?? st.production, weight: 1 }] });
  return out;
}
