// What `wharf up`/`wharf server` tell the user about the root keys. The secret is shown once, when it was just
// generated and stdout is a terminal (a person reads it), or when asked with --print-credentials; otherwise stdout may
// be journald or `docker logs`, so the lines say where the secret is instead of what it is.
import { join } from 'node:path';
import type { Credentials } from '../config/credentials.js';

export interface NoticeContext {
  url: string;
  region: string;
  dataDir: string;
  /** Whether stdout is a terminal. */
  tty: boolean;
  /** --print-credentials. */
  print: boolean;
}

export function credentialsNotice(c: Credentials, ctx: NoticeContext): string {
  const file = join(ctx.dataDir, 'credentials.json');
  const show = ctx.print || (c.source === 'generated' && ctx.tty);
  const keyLines = show
    ? [`  export AWS_ACCESS_KEY_ID=${c.accessKeyId}`, `  export AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}`]
    : c.source === 'environment'
      ? ['  export AWS_ACCESS_KEY_ID="$WHARF_ACCESS_KEY_ID"', '  export AWS_SECRET_ACCESS_KEY="$WHARF_SECRET_ACCESS_KEY"']
      : [
          `  export AWS_ACCESS_KEY_ID=${c.accessKeyId}`,
          `  export AWS_SECRET_ACCESS_KEY="$(node -p "require('${file}').secretAccessKey")"`,
        ];
  const where =
    c.source === 'environment'
      ? 'The root keys come from WHARF_ACCESS_KEY_ID and WHARF_SECRET_ACCESS_KEY.'
      : `The root keys are in ${file}${c.source === 'generated' ? ' (generated now)' : ''}.`;
  return (
    [
      '',
      where + (show ? '' : ' The secret is not printed; `--print-credentials` prints it.'),
      'To use the aws CLI against Wharf:',
      ...keyLines,
      `  export AWS_DEFAULT_REGION=${ctx.region}`,
      `  export AWS_ENDPOINT_URL=${ctx.url}`,
      '  aws ecs list-clusters',
      `(an aws CLI older than 2.13 ignores AWS_ENDPOINT_URL: add --endpoint-url ${ctx.url} to each command)`,
      '',
    ].join('\n') + '\n'
  );
}
