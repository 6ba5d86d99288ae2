import { describe, expect, it } from 'vitest';
import { whyNotRestart } from './restartPolicy.js';
import type { ContainerDefinition } from '../protocol.js';

const def = (restartPolicy?: ContainerDefinition['restartPolicy']): ContainerDefinition => ({ name: 'side', image: 'x', restartPolicy });
const t0 = Date.parse('2026-01-01T00:00:00Z');
const facts = (ranSeconds: number, exitCode: number | null = 1, taskStopping = false) => ({
  exitCode, startedAt: new Date(t0), taskStopping, nowMs: t0 + ranSeconds * 1000,
});

describe('restart policy', () => {
  it('restarts an exit after the container ran its restartAttemptPeriod', () => {
    expect(whyNotRestart(def({ enabled: true, restartAttemptPeriod: 60 }), facts(61))).toBeUndefined();
  });

  it('does not restart an exit within the period (300 s when not given)', () => {
    expect(whyNotRestart(def({ enabled: true, restartAttemptPeriod: 60 }), facts(59))).toMatch(/restartAttemptPeriod/);
    expect(whyNotRestart(def({ enabled: true }), facts(299))).toMatch(/restartAttemptPeriod/);
    expect(whyNotRestart(def({ enabled: true }), facts(300))).toBeUndefined();
  });

  it('does not restart ignored exit codes, a stopping task, or without an enabled policy', () => {
    expect(whyNotRestart(def({ enabled: true, ignoredExitCodes: [0, 2], restartAttemptPeriod: 60 }), facts(100, 2))).toMatch(/ignored/);
    expect(whyNotRestart(def({ enabled: true, restartAttemptPeriod: 60 }), facts(100, 1, true))).toMatch(/STOPPED/);
    expect(whyNotRestart(def({ enabled: false }), facts(1000))).toMatch(/not enabled/);
    expect(whyNotRestart(def(), facts(1000))).toMatch(/not enabled/);
  });
});
