// The one pure function that decides what happens to a container next. The engine executes the action it names and
// records the result; nothing else decides transitions.
import { createGate, startGate, stopGate } from './dependencies.js';
import { Status } from './status.js';
import type { ContainerState, TaskState } from './state.js';

export type Action = 'none' | 'pull' | 'create' | 'start' | 'restart' | 'stop' | 'mark-stopped';

export interface Step {
  next?: Status;
  action: Action;
  reason?: string;
  blockedOn?: string;
}

const NOTHING: Step = { action: 'none' };

export function nextStep(t: TaskState, c: ContainerState, nowMs: number): Step {
  if (c.known === Status.STOPPED) return NOTHING;
  if (c.inFlight) return { action: 'none', blockedOn: 'runtime call in progress' };

  if (t.desired === 'STOPPED' || c.desired === Status.STOPPED) {
    if (c.known < Status.RUNNING) return { next: Status.STOPPED, action: 'mark-stopped' };
    const gate = stopGate(t, c);
    if (!gate.ok) return { action: 'none', blockedOn: gate.blockedOn };
    return { next: Status.STOPPED, action: 'stop' };
  }

  switch (c.known) {
    case Status.NONE:
      return { next: Status.PULLED, action: 'pull' };
    case Status.PULLED: {
      const gate = createGate(t, c);
      if (gate.ok) return { next: Status.CREATED, action: 'create' };
      if (gate.impossible) return { next: Status.STOPPED, action: 'mark-stopped', reason: `CannotCreateContainerError: ${gate.impossible}` };
      return { action: 'none', blockedOn: gate.blockedOn };
    }
    case Status.CREATED: {
      const gate = startGate(t, c);
      if (gate.ok) return { next: Status.RUNNING, action: 'start' };
      if (gate.impossible) return { next: Status.STOPPED, action: 'mark-stopped', reason: `CannotStartContainerError: ${gate.impossible}` };
      const since = c.blockedSince ?? nowMs;
      if (gate.timeoutSeconds !== undefined && gate.timeoutSeconds > 0 && nowMs - since >= gate.timeoutSeconds * 1000) {
        return {
          next: Status.STOPPED,
          action: 'mark-stopped',
          reason: `CannotStartContainerError: dependency ${gate.blockedOn} not met within its startTimeout of ${gate.timeoutSeconds} s`,
        };
      }
      return { action: 'none', blockedOn: gate.blockedOn };
    }
    default:
      // RUNNING: wait for it to exit or for a stop; an exit its restart policy takes starts it again.
      return c.restarting ? { next: Status.RUNNING, action: 'restart' } : NOTHING;
  }
}
