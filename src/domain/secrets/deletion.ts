// DeleteSecret's rules: a recovery window of 7 to 30 days (30 by default) or an immediate purge, never both; the
// secret stays describable (with DeletedDate) until the window passes, then it is gone.
import { InvalidParameter } from '../errors.js';

export const DEFAULT_RECOVERY_DAYS = 30;
const DAY_MS = 86_400_000;

export interface DeletionRequest {
  RecoveryWindowInDays?: number;
  ForceDeleteWithoutRecovery?: boolean;
}

/** When the secret is purged: now for a forced delete, else after the recovery window. */
export function purgeTime(req: DeletionRequest, now: Date): Date {
  if (req.ForceDeleteWithoutRecovery && req.RecoveryWindowInDays !== undefined) {
    throw new InvalidParameter("You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
  }
  if (req.ForceDeleteWithoutRecovery) return now;
  const days = req.RecoveryWindowInDays ?? DEFAULT_RECOVERY_DAYS;
  if (!Number.isInteger(days) || days < 7 || days > 30) {
    throw new InvalidParameter('The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
  }
  return new Date(now.getTime() + days * DAY_MS);
}
