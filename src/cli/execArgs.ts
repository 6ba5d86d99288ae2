// `wharf exec`'s options read without commander, for main.ts's quick path. Anything unusual (help, an unknown or
// incomplete option, a missing or second task) answers undefined, and commander handles the command as before.

/** The control plane's default port (config/options.ts's DEFAULT_PORT, not imported: that module loads more). */
const DEFAULT_PORT = 4510;

export interface ExecOptions {
  cluster: string;
  container?: string;
  command: string;
  interactive: boolean;
  endpoint: string;
  region: string;
  dataDir?: string;
}

const VALUED: Record<string, keyof ExecOptions> = {
  '--cluster': 'cluster', '--container': 'container', '--command': 'command', '--endpoint-url': 'endpoint',
  '--region': 'region', '--data-dir': 'dataDir',
};

export function execDefaults(env = process.env): ExecOptions {
  return {
    cluster: 'default', command: '/bin/sh', interactive: false,
    endpoint: env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${DEFAULT_PORT}`, region: env.AWS_DEFAULT_REGION ?? 'us-east-1',
  };
}

export function execArgs(args: string[], env = process.env): { task: string; flags: ExecOptions } | undefined {
  const flags = execDefaults(env);
  let task: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--interactive') {
      flags.interactive = true;
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const key = VALUED[name];
    if (key) {
      const value = eq > 0 && name !== a ? a.slice(eq + 1) : args[++i];
      if (value === undefined) return undefined;
      (flags as unknown as Record<string, string>)[key] = value;
      continue;
    }
    if (a.startsWith('-') || task !== undefined) return undefined;
    task = a;
  }
  return task === undefined ? undefined : { task, flags };
}
