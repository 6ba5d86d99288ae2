// Display helpers shared by the pages.

/** A JSON-protocol timestamp (epoch seconds) or a Date, as local time. */
export function time(v: unknown): string {
  if (v === undefined || v === null || v === '') return '-';
  const d = typeof v === 'number' ? new Date(v * 1000) : new Date(v as string | Date);
  return Number.isNaN(d.getTime()) ? String(v) : d.toLocaleString();
}

/** The last part of an ARN (`.../name` or `...:name`). */
export function shortArn(arn: string | undefined): string {
  if (!arn) return '-';
  return arn.split('/').pop()!.split(':').slice(-1)[0] ?? arn;
}

/** A task definition ARN as family:revision. */
export function taskDefName(arn: string | undefined): string {
  if (!arn) return '-';
  return arn.split('/').pop() ?? arn;
}

export function taskId(arn: string | undefined): string {
  return arn ? arn.split('/').pop()! : '-';
}

export function enc(s: string): string {
  return encodeURIComponent(s);
}
