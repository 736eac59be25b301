import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses an outbound request must not reach unless allowed: loopback, private, link-local,
 * carrier-grade NAT, unspecified, multicast and reserved ranges (IPv4, IPv6, and IPv4 mapped into
 * IPv6), where a tenant-supplied URL would reach the cluster, its nodes or a cloud's metadata service.
 */
const FORBIDDEN: Array<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
];

const forbidden = new BlockList();
for (const [network, prefix, family] of FORBIDDEN) forbidden.addSubnet(network, prefix, family);

/** Parses `10.0.0.0/8,127.0.0.1,::1/128`: the CIDRs outbound requests may reach despite the rules. */
export function parseAllowedCidrs(value: string): BlockList {
  const allowed = new BlockList();
  for (const entry of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : Number(prefix);
    if (family === 0 || !Number.isInteger(bits) || bits < 0 || bits > (family === 6 ? 128 : 32)) {
      throw new Error(`${entry} is not an IP address or CIDR`);
    }
    allowed.addSubnet(address, bits, family === 6 ? 'ipv6' : 'ipv4');
  }
  return allowed;
}

export class OutboundRefused extends Error {
  readonly code = 'EOUTBOUNDREFUSED';
}

/** Throws when `address` is one an outbound request may not reach (and `allowed` does not list it). */
export function checkAddress(host: string, address: string, allowed: BlockList): void {
  const family: 'ipv4' | 'ipv6' = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  const mapped = family === 'ipv6' ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
  const ip = mapped ?? address;
  const kind = mapped ? 'ipv4' : family;
  if (forbidden.check(ip, kind) && !allowed.check(ip, kind)) {
    throw new OutboundRefused(
      `Refused to connect to ${host}: it resolves to ${address}, a private, loopback or link-local address (OUTBOUND_ALLOWED_CIDRS may allow it)`,
    );
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for sockets (net/tls `connect`, undici's `connect` options): resolves the name once
 * and refuses it when any address is forbidden, so the address checked is the address the socket
 * connects to and a name that rebinds between two resolutions cannot slip through.
 */
export function guardedLookup(allowed: BlockList) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      try {
        for (const { address } of addresses) checkAddress(hostname, address, allowed);
      } catch (refused) {
        return callback(refused as NodeJS.ErrnoException, []);
      }
      const first = addresses[0];
      if (options.all) callback(null, addresses);
      else callback(null, first?.address ?? '', first?.family);
    });
  };
}
