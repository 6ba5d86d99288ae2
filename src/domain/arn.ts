// ARNs exactly as AWS writes them, built and parsed in one place.

export interface ArnContext {
  region: string;
  accountId: string;
}

export function ecsArn(ctx: ArnContext, resource: string): string {
  return `arn:aws:ecs:${ctx.region}:${ctx.accountId}:${resource}`;
}

export const clusterArn = (ctx: ArnContext, name: string) => ecsArn(ctx, `cluster/${name}`);
export const taskDefinitionArn = (ctx: ArnContext, family: string, revision: number) =>
  ecsArn(ctx, `task-definition/${family}:${revision}`);

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  accountId: string;
  /** Everything after the account id, e.g. `cluster/default`. */
  resource: string;
}

export function parseArn(arn: string): ParsedArn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition, service, region, accountId] = parts as [string, string, string, string, string];
  return { partition, service, region, accountId, resource: parts.slice(5).join(':') };
}
