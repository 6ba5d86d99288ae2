// The `wharf` command's parser (commander): up (everything on this machine), server (the control plane alone), agent,
// logs, exec, spot, version. main.ts loads it for every command but a plain `wharf exec`. Each command loads what it
// needs when it runs, so the short-lived client commands (exec, logs) start quickly.
import { parseAddressPool, TASK_ADDRESS_POOL_ATTRIBUTE } from '../domain/addressPool.js';
import { Command } from 'commander';
import { resolveServerOptions, DEFAULT_PORT } from '../config/options.js';
import { environmentKeys, loadCredentials } from '../config/credentials.js';
import { VERSION } from './version.js';
import type { AgentThread } from './agentThread.js';
import { homedir } from 'node:os';
import { traceStart } from '../logging/startTrace.js';
import { join } from 'node:path';

const program = new Command();
program.name('wharf').description('A self-hosted container orchestrator with the API and the behaviour of AWS ECS.');
program.version(VERSION, '-V, --version');

interface ServeFlags {
  dataDir?: string;
  port?: string;
  host?: string;
  advertiseAddress?: string;
  region?: string;
  logLevel?: string;
  instanceGraceSeconds?: string;
  stoppedTaskRetentionSeconds?: string;
  metricPeriod?: string;
  dnsAddress?: string;
  dnsUpstream?: string;
  taskAddressPool?: string;
  lbAddressPool?: string;
  lbBindPool?: string;
  dynamicHostPortRange?: string;
  lbWorkers?: string;
  agent?: boolean;
  printCredentials?: boolean;
  metricsAddress?: string;
  store?: string;
  efsRoot?: string;
  spotInterruptionRate?: string;
  capacityScalingWebhook?: string;
  leaderLeaseSeconds?: string;
  telemetryWindowSeconds?: string;
  etcdCa?: string;
  etcdCert?: string;
  etcdKey?: string;
  etcdUser?: string;
  blobDir?: string;
}

/**
 * Everything Wharf writes (state.db and its -wal/-shm, logs.db, keys, agent identity, registry uploads) is private to
 * its user whatever the inherited umask: one umask covers every file any library creates (SQLite makes the -wal and
 * -shm files itself), where per-call modes would miss one. Containers never see these files; Docker creates theirs.
 */
function privateFiles(): void {
  process.umask(0o077);
}

function serveCommand(name: string, description: string) {
  return program
    .command(name)
    .description(description)
    .option('--data-dir <dir>', 'where state and credentials live (default ~/.wharf, or WHARF_DATA_DIR)')
    .option('--port <n>', `the gateway port for every API (default ${DEFAULT_PORT}; 0 picks a free one)`)
    .option('--host <addr>', 'the address to listen on (default 127.0.0.1)')
    .option('--advertise-address <addr>', 'the address other replicas, agents and clients reach this one at (default --host; for 0.0.0.0, this host\'s first address; or WHARF_ADVERTISE_ADDRESS)')
    .option('--region <region>', 'region of the resources Wharf creates itself (default us-east-1)')
    .option('--log-level <level>', 'trace, debug, info, warn or error (default info)')
    .option('--instance-grace-seconds <n>', 'how long an agent may be gone before its tasks are stopped as lost (default 60)')
    .option('--stopped-task-retention-seconds <n>', 'how long STOPPED tasks stay describable (default 3600)')
    .option('--metric-period <seconds>', 'the period of the AWS/ECS metrics Wharf records (default 60, as AWS)')
    .option('--dns-address <addr:port>', 'where Wharf\'s DNS server answers load balancer names and Cloud Map namespaces (default 127.0.0.53:53)')
    .option('--dns-upstream <host:port,...>', 'where the DNS server forwards other names, or none (default: the nameservers of /etc/resolv.conf)')
    .option('--lb-workers <n>', 'load balancer worker processes beside the main one (default min(2, cores - 1))')
    .option('--metrics-address <host:port>', 'serve Prometheus /metrics there without authentication (default: on the gateway, SigV4-signed)')
    .option('--task-address-pool <cidr>', 'the embedded agent\'s awsvpc task addresses (default 127.1.0.0/16, or WHARF_TASK_ADDRESS_POOL)')
    .option('--lb-address-pool <cidr>', 'where load balancers take their addresses (default 127.2.0.0/16, or WHARF_LB_ADDRESS_POOL)')
    .option('--lb-bind-pool <cidr>', 'serve the load balancer with the Nth address of the pool on the Nth address of this range (replicas: one each; or WHARF_LB_BIND_POOL)')
    .option('--dynamic-host-port-range <lo-hi>', 'host ports for bridge tasks\' dynamic port mappings (default 49153-65535, or WHARF_DYNAMIC_HOST_PORT_RANGE)')
    .option('--store <url>', 'where state lives: sqlite:PATH (default DATA_DIR/state.db) or etcd://HOST:PORT[,HOST:PORT...][/PREFIX] (or WHARF_STORE)')
    .option('--efs-root <dir>', 'where EFS file systems keep their data, ROOT/FSID (default DATA_DIR/efs, or WHARF_EFS_ROOT)')
    .option('--spot-interruption-rate <p>', 'chance per minute that each FARGATE_SPOT task is interrupted, 0 to 1 (default 0: only `wharf spot reclaim`)')
    .option('--capacity-scaling-webhook <url>', 'where managed scaling POSTs its advice to add or remove a capacity provider\'s hosts (or WHARF_CAPACITY_SCALING_WEBHOOK)')
    .option('--leader-lease-seconds <n>', 'with replicas on one store: how soon another replica takes over from a dead leader (default 10)')
    .option('--telemetry-window-seconds <n>', 'with replicas on etcd: how long log events and datapoints stay in etcd for replicas that start later (default 3600)')
    .option('--etcd-ca <file>', 'TLS to etcd: the CA of the members\' certificates, PEM (or WHARF_ETCD_CA)')
    .option('--etcd-cert <file>', 'TLS to etcd: this client\'s certificate, PEM, with --etcd-key (or WHARF_ETCD_CERT)')
    .option('--etcd-key <file>', 'TLS to etcd: this client\'s key, PEM (or WHARF_ETCD_KEY)')
    .option('--etcd-user <user[:password]>', 'etcd user; the password after a colon or in WHARF_ETCD_PASSWORD (or WHARF_ETCD_USER)')
    .option('--blob-dir <dir>', 'where registry layers live (default the data directory); replicas share one mounted by all (or WHARF_BLOB_DIR)')
    .option('--print-credentials', 'print the root keys as export lines (otherwise shown only when generated, on a terminal)');
}

async function serve(flags: ServeFlags, mode: 'up' | 'server') {
  traceStart('command parsed');
  privateFiles();
  const opts = resolveServerOptions(flags);
  const { createLogger } = await import('../logging/logger.js');
  const { credentialsNotice } = await import('./credentialsNotice.js');
  const logger = createLogger({ level: opts.logLevel });
  const { startControlPlane } = await import('./controlPlane.js');
  traceStart('control plane loaded');
  const cp = await startControlPlane(opts, logger);
  logger.info({ url: cp.url, ...(cp.advertisedUrl !== cp.url ? { advertised: cp.advertisedUrl } : {}), dataDir: opts.dataDir, mode, dns: cp.dns, metrics: cp.metricsUrl, replica: cp.replica.id, leader: cp.replica.isLeader() ? 'this replica' : cp.replica.leaderUrl() }, 'wharf is listening');
  traceStart('listening logged');
  let agent: AgentThread | undefined;
  if (mode === 'up' && flags.agent !== false) {
    // This host becomes a container instance of `default` and the capacity behind FARGATE. The agent runs on a
    // thread of its own (agentThread.ts): its start-up takes the other core, not the API's first answers.
    const { defaultStateDir, startAgentThread } = await import('./agentThread.js');
    agent = startAgentThread(
      {
        endpoint: cp.url,
        cluster: 'default',
        region: opts.region,
        stateDir: defaultStateDir(opts.dataDir),
        publishAddress: '127.0.0.1',
        attributes: { [TASK_ADDRESS_POOL_ATTRIBUTE]: opts.taskAddressPool },
        fargateCapacity: true,
        allowPrivileged: false,
        efsRoot: opts.efsRoot,
        credentials: cp.credentials,
        dnsServer: cp.dns,
        // Sample at least twice per metric period, so short periods (tests, demos) get datapoints.
        statsIntervalMs: Math.min(10_000, (opts.metricPeriodSeconds * 1000) / 2),
      },
      opts.logLevel,
      logger,
    );
    await agent.started.catch((err: Error) => {
      logger.error(err.message);
      logger.warn('running without an agent: the API works, but no task can be placed until an agent joins');
      agent = undefined;
    });
  }
  process.stdout.write(
    credentialsNotice(cp.credentials, {
      url: cp.url,
      region: opts.region,
      dataDir: opts.dataDir,
      tty: Boolean(process.stdout.isTTY),
      print: flags.printCredentials === true,
    }),
  );
  process.stdout.write(`The web console: ${cp.url}/console/ (sign in with the access key pair above)\n\n`);
  traceStart('agent started');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await agent?.stop();
    await cp.close();
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

serveCommand('up', 'run everything on this machine: the control plane and this host')
  .option('--no-agent', 'do not run this host\'s agent (the control plane only, as `wharf server`)')
  .action((flags: ServeFlags) => serve(flags, 'up'));
serveCommand('server', 'run the control plane alone').action((flags: ServeFlags) => serve(flags, 'server'));
program
  .command('agent')
  .description('join this host to a cluster as a container instance')
  .requiredOption('--endpoint <url,...>', 'the control plane URL, e.g. http://controlplane.example:4510; several replicas\' URLs comma separated (the agent moves to the next when one stops answering)')
  .option('--cluster <name>', 'the cluster to join', 'default')
  .option('--region <region>', 'the region to sign requests for', process.env.AWS_DEFAULT_REGION ?? 'us-east-1')
  .option('--attribute <name=value...>', 'custom attributes for placement constraints', [])
  .option('--publish-address <addr>', 'the address container ports are published on', '127.0.0.1')
  .option('--task-address-pool <cidr>', 'the addresses awsvpc tasks on this host get (default 127.1.0.0/16)')
  .option('--state-dir <dir>', 'where the agent keeps its identity (default ~/.wharf/agent)')
  .option('--fargate-capacity', 'also serve the FARGATE launch type from this host', false)
  .option('--allow-privileged', 'allow containers with privileged: true', false)
  .option('--cleanup-wait-seconds <n>', 'how long stopped containers stay before removal (default 3600)')
  .option('--efs-root <dir>', 'where EFS file systems keep their data: the control plane\'s --efs-root, or a shared mount of it (default ~/.wharf/efs)')
  .option('--dns-server <addr[:port]>', 'Wharf\'s DNS server, which tasks resolve through (default: Docker\'s own resolver)')
  .option('--availability-zone <zone>', 'the availability zone this host is in, its ecs.availability-zone attribute (default: the region + "a")')
  .action(async (f: { endpoint: string; cluster: string; region: string; attribute: string[]; publishAddress: string; taskAddressPool?: string; stateDir?: string; fargateCapacity: boolean; allowPrivileged: boolean; cleanupWaitSeconds?: string; efsRoot?: string; dnsServer?: string; availabilityZone?: string }) => {
    privateFiles();
    const { parseAttributes, parseDnsServer, runAgent } = await import('./agentCommand.js');
    const { createLogger } = await import('../logging/logger.js');
    const logger = createLogger({});
    const keys = environmentKeys();
    if (!keys) {
      throw new Error('set WHARF_ACCESS_KEY_ID and WHARF_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY) to the control plane\'s keys');
    }
    const agent = await runAgent(
      {
        endpoint: f.endpoint,
        cluster: f.cluster,
        region: f.region,
        stateDir: f.stateDir ?? join(homedir(), '.wharf', 'agent'),
        publishAddress: f.publishAddress,
        attributes: { ...parseAttributes(f.attribute), ...(f.taskAddressPool ? { [TASK_ADDRESS_POOL_ATTRIBUTE]: checkedPool(f.taskAddressPool) } : {}) },
        fargateCapacity: f.fargateCapacity,
        allowPrivileged: f.allowPrivileged,
        efsRoot: f.efsRoot ?? process.env.WHARF_EFS_ROOT ?? join(homedir(), '.wharf', 'efs'),
        cleanupWaitSeconds: f.cleanupWaitSeconds === undefined ? undefined : Number(f.cleanupWaitSeconds),
        dnsServer: f.dnsServer === undefined ? undefined : parseDnsServer(f.dnsServer),
        availabilityZone: f.availabilityZone,
        credentials: keys,
      },
      logger,
    );
    const stop = async () => {
      await agent.stop();
      logger.flush();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
  });
program
  .command('logs')
  .description("show a task's container output")
  .argument('<task>', 'the task ARN or id')
  .option('--cluster <name>', 'the task\'s cluster', 'default')
  .option('-f, --follow', 'keep printing new output', false)
  .option('--endpoint-url <url>', 'the control plane URL', process.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${DEFAULT_PORT}`)
  .option('--region <region>', 'the region to sign requests for', process.env.AWS_DEFAULT_REGION ?? 'us-east-1')
  .option('--data-dir <dir>', 'read the keys from this data directory when none are in the environment')
  .action(async (task: string, f: { cluster: string; follow: boolean; endpointUrl: string; region: string; dataDir?: string }) => {
    const credentials = environmentKeys() ?? loadCredentials(resolveServerOptions({ dataDir: f.dataDir }).dataDir);
    const { showTaskLogs } = await import('./logsCommand.js');
    await showTaskLogs(task, { cluster: f.cluster, follow: f.follow, endpoint: f.endpointUrl, region: f.region, credentials });
  });
program
  .command('exec')
  .description('run a command in a running container of a task (ECS Exec); the command\'s exit code is wharf\'s')
  .argument('<task>', 'the task ARN or id')
  .option('--cluster <name>', 'the task\'s cluster', 'default')
  .option('--container <name>', 'the container (needed when the task has more than one)')
  .option('--command <cmd>', 'the command to run (default /bin/sh)', '/bin/sh')
  .option('--interactive', 'attach this terminal, with a TTY', false)
  .option('--endpoint-url <url>', 'the control plane URL', process.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${DEFAULT_PORT}`)
  .option('--region <region>', 'the region to sign requests for', process.env.AWS_DEFAULT_REGION ?? 'us-east-1')
  .option('--data-dir <dir>', 'read the keys from this data directory when none are in the environment')
  .action(async (task: string, f: { cluster: string; container?: string; command: string; interactive: boolean; endpointUrl: string; region: string; dataDir?: string }) => {
    const { runExec } = await import('./execMain.js');
    await runExec(task, { ...f, endpoint: f.endpointUrl });
  });
program
  .command('spot')
  .description('FARGATE_SPOT capacity')
  .command('reclaim')
  .description('take FARGATE_SPOT capacity back: interrupt running FARGATE_SPOT tasks (SpotInterruption), oldest first')
  .option('--cluster <name>', 'only this cluster\'s tasks (default: every cluster)')
  .option('--count <n>', 'how many tasks (default: all)')
  .option('--endpoint-url <url>', 'the control plane URL', process.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${DEFAULT_PORT}`)
  .option('--region <region>', 'the region to sign requests for', process.env.AWS_DEFAULT_REGION ?? 'us-east-1')
  .option('--data-dir <dir>', 'read the root keys from this data directory when none are in the environment')
  .action(async (f: { cluster?: string; count?: string; endpointUrl: string; region: string; dataDir?: string }) => {
    const credentials = environmentKeys() ?? loadCredentials(resolveServerOptions({ dataDir: f.dataDir }).dataDir);
    const { reclaimSpot } = await import('./spotCommand.js');
    const arns = await reclaimSpot({ ...f, endpoint: f.endpointUrl, credentials });
    for (const arn of arns) console.log(arn);
    if (arns.length === 0) console.error('no running FARGATE_SPOT task to interrupt');
  });
program
  .command('version')
  .description('print the version')
  .action(() => console.log(`wharf ${VERSION}`));

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`wharf: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

function checkedPool(cidr: string): string {
  if (!parseAddressPool(cidr)) throw new Error(`invalid --task-address-pool (A.B.C.D/N with N from 8 to 30 expected): ${cidr}`);
  return cidr;
}
