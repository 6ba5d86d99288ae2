// What a zone of Wharf's DNS server answers. The server asks each zone in turn; the first that claims a name answers
// it authoritatively, and names no zone claims go to the upstream resolvers.
import type { Answer } from 'dns-packet';

export interface ZoneAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN';
  answers: Answer[];
  /** The zone's SOA on NXDOMAIN and empty answers (negative caching, RFC 2308). */
  authorities?: Answer[];
  /** Addresses of SRV targets, so a client needs no second query. */
  additionals?: Answer[];
}

export interface Zone {
  /**
   * The answer for a name this zone is authoritative for, or undefined when the name is outside it.
   * `name` is lowercase without the trailing dot; `qname` is the name as asked (answers carry it back).
   */
  answer(name: string, type: string, qname: string): ZoneAnswer | undefined;
  /**
   * The state key prefixes everything the zone answers is read from: a change under one of them may change an
   * answer. A zone without them is asked on every query (its answers are not kept).
   */
  prefixes?: readonly string[];
}
