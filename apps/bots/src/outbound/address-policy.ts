import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * Addresses a bot endpoint must not reach in production (SSRF): "this" network, private (RFC 1918,
 * unique local), carrier-grade NAT, loopback, link-local (the cloud metadata services live there:
 * 169.254.169.254, fd00:ec2::254 is unique local), benchmarking, multicast and reserved ranges.
 */
const REFUSED_V4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4'];
const REFUSED_V6 = ['::/128', '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8'];

/** IPv6 forms that carry an IPv4 address: IPv4-mapped (`::ffff:a.b.c.d`) and NAT64 (`64:ff9b::a.b.c.d`). */
const EMBEDDED_V4 = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i;

function subnets(list: BlockList, cidrs: string[]): BlockList {
  for (const cidr of cidrs) {
    const [network, prefix] = cidr.split('/');
    const type = isIPv4(network) ? 'ipv4' : isIPv6(network) ? 'ipv6' : undefined;
    if (!type) throw new Error(`not a CIDR block: ${cidr}`);
    list.addSubnet(network, Number(prefix), type);
  }
  return list;
}

/** Which resolved addresses outgoing calls may connect to. */
export class AddressPolicy {
  private readonly refused = subnets(new BlockList(), [...REFUSED_V4, ...REFUSED_V6]);
  private readonly allowed: BlockList;

  /**
   * @param enforced whether non-public addresses are refused (production)
   * @param allowedNetworks CIDR blocks allowed although non-public (e.g. an internal bot farm)
   */
  constructor(
    private readonly enforced: boolean,
    allowedNetworks: string[] = [],
  ) {
    this.allowed = subnets(new BlockList(), allowedNetworks);
  }

  /** True if a connection to `address` (an IP literal) may be made. */
  allows(address: string): boolean {
    if (!this.enforced) return true;
    const v4 = isIPv4(address) ? address : EMBEDDED_V4.exec(address)?.[1];
    if (v4 !== undefined) return this.allowed.check(v4, 'ipv4') || !this.refused.check(v4, 'ipv4');
    if (!isIPv6(address)) return false;
    return this.allowed.check(address, 'ipv6') || !this.refused.check(address, 'ipv6');
  }
}
