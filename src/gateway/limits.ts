// What one client may cost the gateway, sized for a small machine (2 cores, a few GB): the numbers that bound its
// memory (docs/architecture.md, "What a client can cost") and how long a slow client may hold a connection.
import type http from 'node:http';

export const LIMITS = {
  /** Open connections at once (agents' channels, SDK keep-alive pools, docker pushes); more are closed at accept. */
  maxConnections: 512,
  /** The request line and headers must arrive within this, or the connection is answered 408 and closed. */
  headersTimeoutMs: 10_000,
  /** How often Node looks for connections past those timeouts (its default, 30 s, would triple the headers one). */
  timeoutCheckIntervalMs: 1_000,
  /**
   * A whole request, body included. Generous because the registry's blob uploads share the port; the AWS APIs hold
   * their bodies to apiBodyDeadlineMs.
   */
  requestTimeoutMs: 300_000,
  /** An idle keep-alive connection is closed after this (above the SDKs' and the CLI's own idle reuse windows). */
  keepAliveTimeoutMs: 65_000,
  /** Node's cap on the request line and headers (its default, stated here because the memory bound counts on it). */
  maxHeaderSize: 16 * 1024,
  /** Body bytes the AWS APIs hold at once across all requests (each request reserves its declared length first). */
  apiBodyBudgetBytes: 64 * 1024 * 1024,
  /**
   * A connection whose body was refused unread: after the answer, what the client still sends is read and dropped
   * (so it gets to read the answer) until it is quiet this long, this much has come, or this long has passed.
   */
  refusalLinger: { idleMs: 5_000, maxBytes: 64 * 1024 * 1024, maxMs: 30_000 },
  /** Waiting for the budget plus reading an AWS API body. */
  apiBodyDeadlineMs: 60_000,
} as const;

export function serverOptions(): http.ServerOptions {
  return {
    keepAliveTimeout: LIMITS.keepAliveTimeoutMs,
    headersTimeout: LIMITS.headersTimeoutMs,
    requestTimeout: LIMITS.requestTimeoutMs,
    maxHeaderSize: LIMITS.maxHeaderSize,
    connectionsCheckingInterval: LIMITS.timeoutCheckIntervalMs,
  };
}
