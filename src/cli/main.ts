#!/usr/bin/env node
// The `wharf` command: up (everything on this machine), server (the control plane alone), version.
import { Command } from 'commander';
import { resolveServerOptions, DEFAULT_PORT } from '../config/options.js';
import { createLogger } from '../logging/logger.js';
import { startControlPlane } from './controlPlane.js';
import { VERSION } from './version.js';

const program = new Command();
program.name('wharf').description('A self-hosted container orchestrator with the API and the behaviour of AWS ECS.');
program.version(VERSION, '-V, --version');

interface ServeFlags {
  dataDir?: string;
  port?: string;
  host?: string;
  region?: string;
  logLevel?: string;
  instanceGraceSeconds?: string;
  stoppedTaskRetentionSeconds?: string;
}

function serveCommand(name: string, description: string) {
  return program
    .command(name)
    .description(description)
    .option('--data-dir <dir>', 'where state and credentials live (default ~/.wharf, or WHARF_DATA_DIR)')
    .option('--port <n>', `the gateway port for every API (default ${DEFAULT_PORT}; 0 picks a free one)`)
    .option('--host <addr>', 'the address to listen on (default 127.0.0.1)')
    .option('--region <region>', 'region of the resources Wharf creates itself (default us-east-1)')
    .option('--log-level <level>', 'trace, debug, info, warn or error (default info)')
    .option('--instance-grace-seconds <n>', 'how long an agent may be gone before its tasks are stopped as lost (default 60)')
    .option('--stopped-task-retention-seconds <n>', 'how long STOPPED tasks stay describable (default 3600)');
}

async function serve(flags: ServeFlags, mode: 'up' | 'server') {
  const opts = resolveServerOptions(flags);
  const logger = createLogger({ level: opts.logLevel });
  const cp = await startControlPlane(opts, logger);
  logger.info({ url: cp.url, dataDir: opts.dataDir, mode }, 'wharf is listening');
  if (mode === 'up') {
    const c = cp.credentials;
    process.stdout.write(
      [
        '',
        'To use the aws CLI against Wharf:',
        `  export AWS_ACCESS_KEY_ID=${c.accessKeyId}`,
        `  export AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}`,
        `  export AWS_DEFAULT_REGION=${opts.region}`,
        `  export AWS_ENDPOINT_URL=${cp.url}`,
        '  aws ecs list-clusters',
        `(an aws CLI older than 2.13 ignores AWS_ENDPOINT_URL: add --endpoint-url ${cp.url} to each command)`,
        '',
      ].join('\n') + '\n',
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await cp.close();
    logger.flush();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

serveCommand('up', 'run everything on this machine: the control plane and this host').action((flags: ServeFlags) =>
  serve(flags, 'up'),
);
serveCommand('server', 'run the control plane alone').action((flags: ServeFlags) => serve(flags, 'server'));
program
  .command('version')
  .description('print the version')
  .action(() => console.log(`wharf ${VERSION}`));

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`wharf: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
