// Identifiers in IAM's shapes: unique ids with their type prefix (AIDA user, AROA role, ANPA policy, AKIA access key,
// ASIA temporary key), secret access keys, session tokens, and the ARNs of users, roles, policies and sessions.
import { randomBytes, randomInt } from 'node:crypto';

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function code(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += UPPER_ALNUM[randomInt(UPPER_ALNUM.length)];
  return s;
}

export const newUserId = () => 'AIDA' + code(17);
export const newRoleId = () => 'AROA' + code(17);
export const newPolicyId = () => 'ANPA' + code(17);
export const newAccessKeyId = () => 'AKIA' + code(16);
export const newTemporaryKeyId = () => 'ASIA' + code(16);
export const newSecretKey = () => randomBytes(30).toString('base64').replace(/\+/g, 'A').replace(/\//g, 'B');
export const newSessionToken = () => 'IQoJb3JpZ2luX2Vj' + randomBytes(96).toString('base64');

export const userArn = (account: string, path: string, name: string) => `arn:aws:iam::${account}:user${path}${name}`;
export const roleArn = (account: string, path: string, name: string) => `arn:aws:iam::${account}:role${path}${name}`;
export const policyArn = (account: string, path: string, name: string) => `arn:aws:iam::${account}:policy${path}${name}`;
export const assumedRoleArn = (account: string, role: string, session: string) => `arn:aws:sts::${account}:assumed-role/${role}/${session}`;
export const rootArn = (account: string) => `arn:aws:iam::${account}:root`;
