/** IPv4 CIDR parsing and overlap checks (pure, no dependencies). */
export interface Cidr {
  text: string;
  network: number;
  prefixLength: number;
}

const cidrPattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns an error message instead of throwing. */
export function parseCidr(text: string): Cidr | string {
  const match = cidrPattern.exec(text);
  if (!match) return `expected an IPv4 CIDR such as 10.20.0.0/16, got "${text}"`;
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((octet) => octet > 255)) return `"${text}" has an octet above 255`;
  if (prefixLength > 32) return `"${text}" has a prefix length above 32`;
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  if ((address & mask) >>> 0 !== address) {
    return `"${text}" has host bits set; the network address is ${formatAddress((address & mask) >>> 0)}/${prefixLength}`;
  }
  return { text, network: address, prefixLength };
}

function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join(".");
}

function range(cidr: Cidr): [number, number] {
  const size = 2 ** (32 - cidr.prefixLength);
  return [cidr.network, cidr.network + size - 1];
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const [aStart, aEnd] = range(a);
  const [bStart, bEnd] = range(b);
  return aStart <= bEnd && bStart <= aEnd;
}
