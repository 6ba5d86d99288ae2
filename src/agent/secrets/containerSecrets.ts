// Secrets a task's containers get from the control plane (container `secrets`, `logConfiguration.secretOptions`,
// `repositoryCredentials`): which tasks need them, and how they land in a container's create body. The values live
// only in the engine's memory until the containers are created; nothing here logs or reports them.
import { registryHostOf } from '../../imageAuth/credentials.js';
import type { AgentTask, ContainerSecrets } from '../protocol.js';
import type { CreateSpec, PullAuth } from '../runtime/types.js';

/** Where the engine asks for a task's secrets (the channel to the control plane). */
export interface SecretSource {
  /** By container name; rejects with the task's stop reason (ECS's ResourceInitializationError text). */
  fetch(taskArn: string): Promise<Record<string, ContainerSecrets>>;
}

export const NO_SECRETS: SecretSource = {
  fetch: async () => {
    throw new Error('ResourceInitializationError: unable to pull secrets or registry auth: this agent has no control plane to ask');
  },
};

export function needsSecrets(task: AgentTask): boolean {
  return task.containers.some(
    ({ definition: d }) => (d.secrets?.length ?? 0) > 0 || (d.logConfiguration?.secretOptions?.length ?? 0) > 0 || d.repositoryCredentials !== undefined,
  );
}

/** Secret variables win over `environment` and environment files (ECS refuses a name given in both). */
export function withSecrets(spec: CreateSpec, secrets: ContainerSecrets | undefined): CreateSpec {
  if (!secrets) return spec;
  const names = new Set(secrets.env.map(([k]) => k));
  const env = [...(spec.Env ?? []).filter((e) => !names.has(e.slice(0, e.indexOf('=')))), ...secrets.env.map(([k, v]) => `${k}=${v}`)];
  const out: CreateSpec = { ...spec, Env: env };
  const log = spec.HostConfig?.LogConfig;
  if (log && Object.keys(secrets.logOptions).length > 0) {
    out.HostConfig = { ...spec.HostConfig, LogConfig: { ...log, Config: { ...(log.Config ?? {}), ...secrets.logOptions } } };
  }
  return out;
}

/** repositoryCredentials for an image's registry (Docker Hub's address when the image names no host). */
export function pullAuthFrom(image: string, secrets: ContainerSecrets | undefined): PullAuth | undefined {
  const a = secrets?.registryAuth;
  if (!a) return undefined;
  return { username: a.username, password: a.password, serveraddress: registryHostOf(image) ?? 'https://index.docker.io/v1/' };
}
