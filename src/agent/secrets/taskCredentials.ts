// A task role's temporary credentials as the agent keeps them: fetched from the control plane when the task starts,
// served by the task metadata endpoint, and fetched again before they expire (when less than a quarter of their
// life, at most 15 minutes, is left), so a container's SDK never gets keys about to lapse. Memory only.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskRoleCredentials } from '../protocol.js';

const REFRESH_MARGIN_MS = 15 * 60_000;

export class TaskCredentialCache {
  private readonly byTask = new Map<string, { creds: TaskRoleCredentials; fetchedAt: number }>();
  private readonly inFlight = new Map<string, Promise<TaskRoleCredentials>>();

  constructor(
    private readonly fetch: (taskArn: string) => Promise<TaskRoleCredentials>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Current credentials of the task's role, fetched anew when close to their expiration. */
  async get(taskArn: string): Promise<TaskRoleCredentials> {
    const held = this.byTask.get(taskArn);
    if (held) {
      const expires = Date.parse(held.creds.Expiration);
      const margin = Math.min(REFRESH_MARGIN_MS, (expires - held.fetchedAt) / 4);
      if (expires - this.now() > margin) return held.creds;
    }
    let pending = this.inFlight.get(taskArn);
    if (!pending) {
      const fetchedAt = this.now();
      pending = this.fetch(taskArn)
        .then((creds) => {
          this.byTask.set(taskArn, { creds, fetchedAt });
          return creds;
        })
        .finally(() => this.inFlight.delete(taskArn));
      this.inFlight.set(taskArn, pending);
    }
    return pending;
  }

  drop(taskArn: string): void {
    this.byTask.delete(taskArn);
  }
}

/**
 * The path id of a task's credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI = /v2/credentials/ID): keyed with a
 * secret the agent keeps in its state directory, so no one can derive it from a task ARN, and an agent restart
 * serves adopted containers under the id they were created with.
 */
export class CredentialIds {
  private readonly key: Buffer;

  constructor(stateDir?: string) {
    this.key = stateDir ? loadKey(stateDir) : randomBytes(32);
  }

  of(taskArn: string): string {
    return createHmac('sha256', this.key).update(taskArn).digest('hex').slice(0, 32);
  }
}

function loadKey(stateDir: string): Buffer {
  const file = join(stateDir, 'task-credentials.key');
  if (existsSync(file)) return readFileSync(file);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key, { mode: 0o600 });
  return key;
}
