// Reads an AWS API request's body once its head has been authenticated as far as it can be without it: bounded by the
// service's own limit, within a memory budget shared by all requests, within a deadline, and hashed as it streams so
// the signature check needs no second pass.
import { createHash } from 'node:crypto';
import type http from 'node:http';
import type { AwsError } from '../domain/errors.js';
import type { BodyBudget, Release } from './budget.js';

export interface HashedBody {
  body: Buffer;
  /** SHA-256 of the body, lowercase hex: the payload hash SigV4 signs. */
  sha256: string;
  /** Gives the body's share of the budget back; call once the request is answered. */
  release: Release;
}

export interface BodyRules {
  /** Largest body accepted (the service's maxBodyBytes). */
  limit: number;
  budget: BodyBudget;
  /** Time allowed for waiting on the budget and reading the whole body. */
  deadlineMs: number;
  tooLarge: (bytes: number) => AwsError;
  /** The budget was not granted within the deadline. */
  busy: () => AwsError;
  /** The body did not arrive within the deadline. */
  tooSlow: () => AwsError;
}

const EMPTY: Omit<HashedBody, 'release'> = {
  body: Buffer.alloc(0),
  sha256: createHash('sha256').digest('hex'),
};

/** The declared Content-Length, or undefined for a chunked body. */
export function declaredLength(req: http.IncomingMessage): number | undefined {
  const v = req.headers['content-length'];
  return v === undefined ? undefined : Number(v);
}

export function readHashedBody(req: http.IncomingMessage, rules: BodyRules): Promise<HashedBody> {
  const length = declaredLength(req);
  const chunked = req.headers['transfer-encoding'] !== undefined;
  if (!chunked && (length === undefined || length === 0)) return Promise.resolve({ ...EMPTY, release: () => {} });
  if (length !== undefined && length > rules.limit) return Promise.reject(rules.tooLarge(length));

  return new Promise<HashedBody>((resolve, reject) => {
    const reservation = rules.budget.acquire(length ?? rules.limit);
    let release: Release | undefined;
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reservation.cancel();
      release?.();
      req.pause(); // read no further: the refusal closes the connection
      reject(err);
    };
    const timer = setTimeout(() => fail(release ? rules.tooSlow() : rules.busy()), rules.deadlineMs);
    timer.unref();

    void reservation.granted.then((granted) => {
      if (settled) return granted();
      release = granted;
      const hash = createHash('sha256');
      // A declared length gets one buffer up front, so the body is never held twice (chunks plus their concatenation).
      const whole = length !== undefined ? Buffer.allocUnsafe(length) : undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        if (settled) return;
        if (size + c.length > (length ?? rules.limit)) return fail(rules.tooLarge(size + c.length));
        hash.update(c);
        if (whole) c.copy(whole, size);
        else chunks.push(c);
        size += c.length;
      });
      req.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const body = whole ? whole.subarray(0, size) : Buffer.concat(chunks, size);
        resolve({ body, sha256: hash.digest('hex'), release: granted });
      });
      req.on('error', fail);
      req.on('aborted', () => fail(new Error('the client went away')));
    });
  });
}
