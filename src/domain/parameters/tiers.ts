// Standard and Advanced parameters: 4 KB and 8 KB values; Intelligent-Tiering picks Standard when the value fits;
// an advanced parameter is never downgraded; a put that names no tier keeps the parameter's own.
import { ValidationError } from '../errors.js';
import type { ParameterTier } from './parameter.js';

export const STANDARD_MAX_BYTES = 4096;
export const ADVANCED_MAX_BYTES = 8192;

export function resolveTier(requested: string | undefined, existing: ParameterTier | undefined, value: string): ParameterTier {
  const size = Buffer.byteLength(value, 'utf8');
  let tier: ParameterTier;
  if (requested === 'Intelligent-Tiering') tier = existing === 'Advanced' || size > STANDARD_MAX_BYTES ? 'Advanced' : 'Standard';
  else tier = (requested as ParameterTier | undefined) ?? existing ?? 'Standard';
  if (existing === 'Advanced' && tier === 'Standard') {
    throw new ValidationError(
      "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.",
    );
  }
  if (tier === 'Standard' && size > STANDARD_MAX_BYTES) {
    throw new ValidationError(
      `Standard tier parameters support a maximum parameter value of ${STANDARD_MAX_BYTES} characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html`,
    );
  }
  if (size > ADVANCED_MAX_BYTES) {
    throw new ValidationError(`Advanced tier parameters support a maximum parameter value of ${ADVANCED_MAX_BYTES} characters.`);
  }
  return tier;
}
