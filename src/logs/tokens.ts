// Why this exists: the position tokens of GetLogEvents (`f/…` forward, `b/…` backward) and FilterLogEvents, which
// clients pass back unchanged; a bad one is an InvalidParameterException, as in CloudWatch Logs.
import { InvalidParameter } from '../domain/errors.js';
import type { Position } from './store.js';

export function encodeToken(dir: 'f' | 'b' | 'n', p: Position): string {
  return `${dir}/${String(p.ts).padStart(20, '0')}/${String(p.id).padStart(20, '0')}`;
}

export function decodeToken(token: string, allowed: string): { dir: 'f' | 'b' | 'n'; pos: Position } {
  const m = /^([fbn])\/(-?\d+)\/(\d+)$/.exec(token);
  if (!m || !allowed.includes(m[1]!)) throw new InvalidParameter('The specified nextToken is invalid.');
  return { dir: m[1] as 'f' | 'b' | 'n', pos: { ts: Number(m[2]), id: Number(m[3]) } };
}
