// The registry's public face for the composition root and the agent: create it, its tables, its /v2/ routes, and
// the helpers an agent uses to pull with credentials of its own.
import { Registry, type RegistryDeps } from './core.js';
import { collectGarbage } from './gc.js';
import { runLifecycle } from './lifecycleRun.js';

export { Registry, type RegistryDeps } from './core.js';
export { createRegistryTables, type RegistryTables } from './tables.js';
export { registryRoutes } from './routes.js';
export { collectGarbage, type GcReport } from './gc.js';
export { runLifecycle } from './lifecycleRun.js';
export {
  registryCredentialsFor,
  credentialsFromAuthorizationData,
  registryHostOf,
  RegistryCredentialCache,
  type RegistryAuth,
} from './credentials.js';

/** Creates the registry and starts its sweep (GC, then lifecycle policies) on the configured interval. */
export async function startRegistry(deps: RegistryDeps): Promise<Registry> {
  const reg = new Registry(deps);
  await reg.start(async () => {
    await runLifecycle(reg);
    await collectGarbage(reg);
  });
  return reg;
}
