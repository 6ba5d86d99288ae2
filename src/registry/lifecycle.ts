// ECR lifecycle policies as pure functions: parse and validate the policy text, then decide which images expire.
// Rules run in rulePriority order; an image that matches a rule's tag selection is that rule's alone (a lower
// priority rule can never expire it), and each rule expires beyond imageCountMoreThan (newest kept) or older than
// sinceImagePushed days.
import { InvalidParameter } from '../domain/errors.js';

export interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: {
    tagStatus: 'tagged' | 'untagged' | 'any';
    tagPrefixList?: string[];
    tagPatternList?: string[];
    countType: 'imageCountMoreThan' | 'sinceImagePushed';
    countUnit?: 'days';
    countNumber: number;
  };
  action: { type: 'expire' };
}

export interface LifecycleImage {
  digest: string;
  tags: string[];
  pushedAt: Date;
}

export interface Expiry extends LifecycleImage {
  rulePriority: number;
}

export function parseLifecyclePolicy(text: string): LifecycleRule[] {
  let doc: { rules?: LifecycleRule[] };
  try {
    doc = JSON.parse(text) as { rules?: LifecycleRule[] };
  } catch {
    throw new InvalidParameter('Invalid parameter at \'LifecyclePolicyText\' failed to satisfy constraint: \'Lifecycle policy validation failure: the policy is not valid JSON\'');
  }
  const bad = (why: string) => new InvalidParameter(`Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: ${why}'`);
  if (!Array.isArray(doc?.rules) || doc.rules.length === 0) throw bad('rules must be a non-empty array');
  const seen = new Set<number>();
  const rules = [...doc.rules].sort((a, b) => a.rulePriority - b.rulePriority);
  rules.forEach((r, i) => {
    if (!Number.isInteger(r?.rulePriority) || r.rulePriority < 1 || seen.has(r.rulePriority)) throw bad('rulePriority must be unique positive integers');
    seen.add(r.rulePriority);
    const s = r.selection;
    if (!s || !['tagged', 'untagged', 'any'].includes(s.tagStatus)) throw bad('tagStatus must be tagged, untagged or any');
    if (s.tagStatus === 'tagged' && !(s.tagPrefixList?.length || s.tagPatternList?.length)) throw bad('a tagged rule needs tagPrefixList or tagPatternList');
    if (s.tagStatus === 'any' && i !== rules.length - 1) throw bad('a rule with tagStatus any must have the highest rulePriority');
    if (!Number.isInteger(s.countNumber) || s.countNumber < 1) throw bad('countNumber must be a positive integer');
    if (s.countType === 'sinceImagePushed' && s.countUnit !== 'days') throw bad('sinceImagePushed needs countUnit days');
    if (s.countType === 'imageCountMoreThan' && s.countUnit !== undefined) throw bad('imageCountMoreThan takes no countUnit');
    if (!['imageCountMoreThan', 'sinceImagePushed'].includes(s.countType)) throw bad('countType must be imageCountMoreThan or sinceImagePushed');
    if (r.action?.type !== 'expire') throw bad('action type must be expire');
  });
  return rules;
}

function selects(rule: LifecycleRule, img: LifecycleImage): boolean {
  const s = rule.selection;
  if (s.tagStatus === 'untagged') return img.tags.length === 0;
  if (s.tagStatus === 'any') return true;
  if (img.tags.length === 0) return false;
  const prefixes = (s.tagPrefixList ?? []).every((p) => img.tags.some((t) => t.startsWith(p)));
  const patterns = (s.tagPatternList ?? []).every((p) => img.tags.some((t) => wildcard(p).test(t)));
  return prefixes && patterns;
}

const wildcard = (p: string) => new RegExp('^' + p.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');

export function evaluateLifecycle(rules: LifecycleRule[], images: LifecycleImage[], now: Date): Expiry[] {
  const claimed = new Set<string>();
  const out: Expiry[] = [];
  for (const rule of rules) {
    const mine = images.filter((i) => !claimed.has(i.digest) && selects(rule, i));
    for (const i of mine) claimed.add(i.digest);
    const { countType, countNumber } = rule.selection;
    const expired =
      countType === 'imageCountMoreThan'
        ? [...mine].sort((a, b) => b.pushedAt.getTime() - a.pushedAt.getTime()).slice(countNumber)
        : mine.filter((i) => now.getTime() - i.pushedAt.getTime() > countNumber * 86_400_000);
    for (const i of expired) out.push({ ...i, rulePriority: rule.rulePriority });
  }
  return out;
}
