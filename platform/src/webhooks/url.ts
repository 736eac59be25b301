import { type BlockList, isIP } from 'node:net';
import { checkAddress, OutboundRefused } from '../outbound/guard.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;

/**
 * Why an endpoint URL is refused, or undefined when it may be stored. https only; plain http only
 * to a loopback host the outbound guard is told to allow (OUTBOUND_ALLOWED_CIDRS: `make dev` and
 * the tests). A literal address the guard refuses is refused here already; a name is checked when
 * each delivery connects, after DNS, so a name that resolves (or rebinds) to a private address
 * never receives anything.
 */
export function endpointUrlProblem(value: string, allowed: BlockList): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (url.hash) return 'must not have a fragment';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(host) ? host : undefined;
  if (url.protocol === 'http:') {
    const loopback = literal ?? (host.toLowerCase() === 'localhost' ? '127.0.0.1' : undefined);
    const devLoopback =
      loopback !== undefined &&
      LOOPBACK.test(host) &&
      allowed.check(loopback, isIP(loopback) === 6 ? 'ipv6' : 'ipv4');
    if (!devLoopback) return 'must be https (plain http only to an allowed loopback address, in development)';
  } else if (url.protocol !== 'https:') {
    return 'must be https';
  }
  if (literal !== undefined) {
    try {
      checkAddress(host, literal, allowed);
    } catch (error) {
      if (error instanceof OutboundRefused) return 'must not be a private, loopback or link-local address';
      throw error;
    }
  }
  return undefined;
}
