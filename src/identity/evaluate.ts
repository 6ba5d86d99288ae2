// IAM's evaluation of identity policies for one request: an explicit Deny in any statement wins, then any Allow,
// and what nothing allows is denied by default. Pure: compiled policies and a request in, a decision out.
import type { RequestContext } from './conditions.js';
import type { CompiledPolicy, CompiledStatement } from './policy.js';

export type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

export interface AuthzRequest {
  /** `<service prefix>:<Operation>`, e.g. `ecs:RunTask`. */
  action: string;
  /** The resource's ARN, or `*`. */
  resource: string;
  context: RequestContext;
}

export function evaluate(policies: readonly CompiledPolicy[], req: AuthzRequest): Decision {
  let allowed = false;
  for (const p of policies) {
    for (const s of p.statements) {
      if (!applies(s, req)) continue;
      if (s.effect === 'Deny') return 'explicit-deny';
      allowed = true;
    }
  }
  return allowed ? 'allow' : 'implicit-deny';
}

function applies(s: CompiledStatement, req: AuthzRequest): boolean {
  if (!s.action(req.action) || !s.resource(req.resource)) return false;
  for (const c of s.conditions) if (!c(req.context)) return false;
  return true;
}
