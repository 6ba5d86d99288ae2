// Application Auto Scaling's page sizes. Its model gives MaxResults no range, so the model validator cannot check it,
// but the service takes 1 to 50 (1 to 10 for DescribeScalingPolicies) and refuses the rest; unchecked, -1 or 0 would
// answer empty pages, each with a NextToken, and a paginating client would never stop.
import { ValidationError } from '../../domain/errors.js';

/** MaxResults checked against the operation's range; `max` is also the default, as on AWS. */
export function pageSize(value: number | undefined, max: number): number {
  if (value === undefined) return max;
  if (Number.isInteger(value) && value >= 1 && value <= max) return value;
  const rule = value < 1 ? 'greater than or equal to 1' : `less than or equal to ${max}`;
  throw new ValidationError(`1 validation error detected: Value '${value}' at 'maxResults' failed to satisfy constraint: Member must have value ${rule}`);
}
