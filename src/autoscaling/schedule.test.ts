import { describe, expect, it } from 'vitest';
import { stepCapacity, trackingCapacity } from './capacity.js';
import { latestFire, parseSchedule } from './schedule.js';

const utc = (s: string) => Date.parse(`${s}Z`);

describe('schedules', () => {
  it('at() fires once, in its time zone', () => {
    const s = parseSchedule('at(2030-01-01T10:00:00)');
    expect(latestFire(s, utc('2030-01-01T09:59:59'), utc('2030-01-01T10:00:01'), 0)).toBe(utc('2030-01-01T10:00:00'));
    expect(latestFire(s, utc('2030-01-01T10:00:00'), utc('2030-01-01T11:00:00'), 0)).toBeUndefined();
    expect(latestFire(s, utc('2030-01-01T08:59:00'), utc('2030-01-01T09:00:01'), 0, 'Europe/Paris')).toBe(utc('2030-01-01T09:00:00'));
  });

  it('rate() counts from its anchor; cron() matches AWS fields, names, steps and L', () => {
    const r = parseSchedule('rate(5 minutes)');
    expect(latestFire(r, utc('2030-01-01T00:09:00'), utc('2030-01-01T00:10:30'), utc('2030-01-01T00:00:00'))).toBe(utc('2030-01-01T00:10:00'));
    const c = parseSchedule('cron(0/15 9-17 ? * MON-FRI *)');
    expect(latestFire(c, utc('2030-01-07T09:14:00'), utc('2030-01-07T09:15:10'), 0)).toBe(utc('2030-01-07T09:15:00')); // a Monday
    expect(latestFire(c, utc('2030-01-05T09:14:00'), utc('2030-01-05T09:15:10'), 0)).toBeUndefined(); // a Saturday
    const last = parseSchedule('cron(30 23 L * ? *)');
    expect(latestFire(last, utc('2030-02-28T23:29:00'), utc('2030-02-28T23:31:00'), 0)).toBe(utc('2030-02-28T23:30:00'));
    expect(() => parseSchedule('cron(0 22 * *)')).toThrow();
    expect(() => parseSchedule('rate(1 minutes)')).toThrow();
  });
});

describe('capacity', () => {
  it('tracks the target proportionally, rounding up', () => {
    expect(trackingCapacity(2, 150, 50)).toBe(6);
    expect(trackingCapacity(4, 10, 50)).toBe(1);
    expect(trackingCapacity(3, 49, 50)).toBe(3);
  });

  it('picks the step for the breach', () => {
    const cfg = { AdjustmentType: 'ChangeInCapacity' as const, StepAdjustments: [{ MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 50, ScalingAdjustment: 1 }, { MetricIntervalLowerBound: 50, ScalingAdjustment: 3 }] };
    expect(stepCapacity(2, cfg, 10)).toBe(3);
    expect(stepCapacity(2, cfg, 70)).toBe(5);
    expect(stepCapacity(10, { AdjustmentType: 'PercentChangeInCapacity', StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -25 }] }, -5)).toBe(8);
  });
});
