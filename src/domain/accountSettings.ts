// ECS account settings: the names, their allowed values and AWS's defaults, and which value is in effect for a
// principal (its own setting, else the account default, else AWS's).
import type { SettingName } from '@aws-sdk/client-ecs';
import { InvalidParameter } from './errors.js';

interface SettingSpec {
  values: readonly string[];
  awsDefault: string;
}

const ON_OFF = ['enabled', 'disabled'] as const;

export const ACCOUNT_SETTINGS: Record<string, SettingSpec> = {
  serviceLongArnFormat: { values: ON_OFF, awsDefault: 'enabled' },
  taskLongArnFormat: { values: ON_OFF, awsDefault: 'enabled' },
  containerInstanceLongArnFormat: { values: ON_OFF, awsDefault: 'enabled' },
  awsvpcTrunking: { values: ON_OFF, awsDefault: 'disabled' },
  containerInsights: { values: ['enabled', 'disabled', 'enhanced'], awsDefault: 'disabled' },
  fargateFIPSMode: { values: ON_OFF, awsDefault: 'disabled' },
  tagResourceAuthorization: { values: ['on', 'off'], awsDefault: 'on' },
  fargateTaskRetirementWaitPeriod: { values: ['0', '7', '14'], awsDefault: '7' },
  guardDutyActivate: { values: ['on', 'off'], awsDefault: 'off' },
  defaultLogDriverMode: { values: ['blocking', 'non-blocking'], awsDefault: 'non-blocking' },
};

export interface AccountSettingRecord {
  name: SettingName;
  value: string;
  principalArn: string;
}

export function validateSetting(name: string, value: string): void {
  const spec = ACCOUNT_SETTINGS[name];
  if (!spec) throw new InvalidParameter(`Invalid account setting name: ${name}.`);
  if (!spec.values.includes(value)) {
    throw new InvalidParameter(`Invalid value '${value}' for setting '${name}'. Valid values: ${spec.values.join(', ')}.`);
  }
}

const PRINCIPAL = /^arn:aws:iam::\d{12}:(root|user\/[\w+=,.@/-]+|role\/[\w+=,.@/-]+)$/;

export function validatePrincipal(principalArn: string): void {
  if (!PRINCIPAL.test(principalArn)) {
    throw new InvalidParameter(`principalArn must be the ARN of an IAM user, an IAM role or the root user: '${principalArn}'.`);
  }
}

export const settingId = (principalArn: string, name: string) => `${principalArn}|${name}`;
