// `wharf exec` once its options are read (by execArgs.ts, or by commander): the keys, then the session. The process
// leaves with the command's exit code as soon as the session ends.
import type { ExecOptions } from './execArgs.js';

export async function runExec(task: string, f: ExecOptions): Promise<void> {
  const accessKeyId = process.env.WHARF_ACCESS_KEY_ID ?? process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.WHARF_SECRET_ACCESS_KEY ?? process.env.AWS_SECRET_ACCESS_KEY;
  let credentials = accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined;
  if (!credentials) {
    const [{ loadCredentials }, { resolveServerOptions }] = await Promise.all([import('../config/credentials.js'), import('../config/options.js')]);
    credentials = loadCredentials(resolveServerOptions({ dataDir: f.dataDir }).dataDir);
  }
  const { execInTask } = await import('./execCommand.js');
  const code = await execInTask(task, { ...f, credentials });
  // Output is written synchronously to pipes, files and terminals on Linux: nothing is lost by leaving now.
  process.exit(code);
}
