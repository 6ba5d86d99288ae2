// Why this exists: alarms whose state really changes. Each pass evaluates every alarm on its latest datapoints,
// commits the state changes (guarded on the row read), keeps a history, and calls the actions: on a transition, and
// again on every pass while in ALARM for Application Auto Scaling policies (as CloudWatch re-invokes them).
import type { Logger } from 'pino';
import { Txn, type StateCache } from '../store/cache.js';
import { evaluateAlarm, type AlarmRecord, type AlarmState } from './alarms.js';
import type { SeriesStore } from './series.js';
import type { MetricsTables } from './tables.js';

export interface HistoryItem {
  AlarmName: string;
  AlarmType: 'MetricAlarm';
  Timestamp: Date;
  HistoryItemType: 'StateUpdate' | 'ConfigurationUpdate' | 'Action';
  HistorySummary: string;
  HistoryData: string;
}

/** Called with an action ARN, the alarm (its new state) and the latest datapoint value. */
export type AlarmActionHandler = (actionArn: string, alarm: AlarmRecord, latest: number | undefined) => void;

const MAX_HISTORY = 200;

export class AlarmEvaluator {
  readonly history: HistoryItem[] = [];
  private readonly handlers: AlarmActionHandler[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly cache: StateCache,
    private readonly tables: MetricsTables,
    private readonly series: SeriesStore,
    private readonly opts: { intervalMs: number; now: () => number; logger?: Logger },
  ) {}

  onAction(handler: AlarmActionHandler): void {
    this.handlers.push(handler);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.pass(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One evaluation of every alarm. Safe to call at any time; overlapping calls are skipped. */
  async pass(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = this.opts.now();
      for (const row of [...this.tables.alarms.values()]) {
        const a = row.value;
        const ev = evaluateAlarm(a, this.series, now);
        let current = a;
        if (ev.state !== a.StateValue) {
          current = { ...a, StateValue: ev.state, StateReason: ev.reason, StateReasonData: ev.reasonData, StateUpdatedTimestamp: new Date(now), StateTransitionedTimestamp: new Date(now) };
          try {
            await this.cache.commit(new Txn().put(this.tables.alarms, row.id, current, row.modRevision));
          } catch {
            continue; // changed or deleted under us: the next pass sees the fresh row
          }
          this.record(a, a.StateValue, ev.state, ev.reason, now);
        }
        this.act(current, ev.state !== a.StateValue, ev.latest);
      }
    } catch (err) {
      this.opts.logger?.error({ err }, 'alarm evaluation failed');
    } finally {
      this.running = false;
    }
  }

  /** SetAlarmState and configuration changes also enter the history. */
  record(a: AlarmRecord, from: AlarmState, to: AlarmState, reason: string, now: number): void {
    this.history.push({
      AlarmName: a.AlarmName,
      AlarmType: 'MetricAlarm',
      Timestamp: new Date(now),
      HistoryItemType: 'StateUpdate',
      HistorySummary: `Alarm updated from ${from} to ${to}`,
      HistoryData: JSON.stringify({ version: '1.0', oldState: { stateValue: from }, newState: { stateValue: to, stateReason: reason } }),
    });
    if (this.history.length > MAX_HISTORY * 10) this.history.splice(0, this.history.length - MAX_HISTORY * 10);
  }

  act(a: AlarmRecord, transitioned: boolean, latest: number | undefined): void {
    if (!a.ActionsEnabled) return;
    const actions = a.StateValue === 'ALARM' ? a.AlarmActions : a.StateValue === 'OK' ? a.OKActions : a.InsufficientDataActions;
    for (const arn of actions) {
      const repeat = a.StateValue === 'ALARM' && arn.startsWith('arn:aws:autoscaling:');
      if (!transitioned && !repeat) continue;
      for (const h of this.handlers) {
        try {
          h(arn, a, latest);
        } catch (err) {
          this.opts.logger?.warn({ err, arn }, 'alarm action failed');
        }
      }
    }
  }
}
