// Why this exists: the opaque NextToken CloudWatch, Logs and Application Auto Scaling hand out for list operations:
// an offset into a stably sorted list, checked on the way back in.
import { AwsError } from '../../domain/errors.js';

export function pageOf<T>(items: readonly T[], token: string | undefined, limit: number, err: () => AwsError): { page: T[]; next?: string } {
  let start = 0;
  if (token) {
    const m = /^o(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
    if (!m) throw err();
    start = Number(m[1]);
  }
  const page = items.slice(start, start + limit);
  const end = start + page.length;
  return { page, next: end < items.length ? Buffer.from(`o${end}`).toString('base64url') : undefined };
}
