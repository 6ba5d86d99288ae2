// Resource policies are stored, not enforced (Wharf's gateway has one principal per key). They must still be a
// JSON policy document with a Version and Statement list, each statement with an Effect, as AWS checks.
import { MalformedPolicyDocument } from '../errors.js';

export interface PolicyProblem {
  CheckName: string;
  ErrorMessage: string;
}

/** The problems in a policy document, empty when it is well formed. */
export function policyProblems(text: string): PolicyProblem[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [{ CheckName: 'POLICY_DOCUMENT_SYNTAX', ErrorMessage: 'The policy document is not valid JSON.' }];
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return [{ CheckName: 'POLICY_DOCUMENT_SYNTAX', ErrorMessage: 'The policy document must be a JSON object.' }];
  }
  const d = doc as Record<string, unknown>;
  const problems: PolicyProblem[] = [];
  if (d.Version !== undefined && d.Version !== '2012-10-17' && d.Version !== '2008-10-17') {
    problems.push({ CheckName: 'POLICY_DOCUMENT_SYNTAX', ErrorMessage: `The policy Version ${String(d.Version)} is not supported.` });
  }
  const statements = Array.isArray(d.Statement) ? d.Statement : d.Statement !== undefined ? [d.Statement] : [];
  if (statements.length === 0) {
    problems.push({ CheckName: 'POLICY_DOCUMENT_SYNTAX', ErrorMessage: 'The policy document must contain a Statement.' });
  }
  for (const s of statements) {
    const st = (typeof s === 'object' && s !== null ? s : {}) as Record<string, unknown>;
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') {
      problems.push({ CheckName: 'POLICY_DOCUMENT_SYNTAX', ErrorMessage: 'Each statement needs an Effect of Allow or Deny.' });
    }
    if (st.Action === undefined && st.NotAction === undefined) {
      problems.push({ CheckName: 'POLICY_DOCUMENT_SYNTAX', ErrorMessage: 'Each statement needs an Action or NotAction.' });
    }
  }
  return problems;
}

export function requireWellFormedPolicy(text: string): void {
  const p = policyProblems(text);
  if (p.length) throw new MalformedPolicyDocument(`This resource policy contains a syntax error: ${p[0]!.ErrorMessage}`);
}
