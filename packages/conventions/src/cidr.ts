/**
 * IPv4 CIDR arithmetic for config and argument validation and subnet sizing (pure, no dependencies).
 */
export interface Cidr {
  text: string;
  /** Network address as an unsigned 32-bit number. */
  network: number;
  prefixLength: number;
}

const cidrPattern = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns an error message instead of throwing. Host bits must be zero. */
export function parseCidr(text: string): Cidr | string {
  const match = cidrPattern.exec(text);
  if (!match) return `expected an IPv4 CIDR such as 10.20.0.0/16, got "${text}"`;
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((octet) => octet > 255)) return `"${text}" has an octet above 255`;
  if (prefixLength > 32) return `"${text}" has a prefix length above 32`;
  // Multiplication, not shifts: addresses above 2^31 would turn negative.
  const address = octets.reduce((value, octet) => value * 256 + octet, 0);
  const size = 2 ** (32 - prefixLength);
  if (address % size !== 0)
    return `"${text}" has host bits set; the network address is ${formatAddress(address - (address % size))}/${prefixLength}`;
  return { text, network: address, prefixLength };
}

export function formatAddress(address: number): string {
  return [2 ** 24, 2 ** 16, 2 ** 8, 1].map((divisor) => Math.floor(address / divisor) % 256).join(".");
}

function range(cidr: Cidr): [number, number] {
  return [cidr.network, cidr.network + 2 ** (32 - cidr.prefixLength) - 1];
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const [aStart, aEnd] = range(a);
  const [bStart, bEnd] = range(b);
  return aStart <= bEnd && bStart <= aEnd;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  const [outerStart, outerEnd] = range(outer);
  const [innerStart, innerEnd] = range(inner);
  return outerStart <= innerStart && innerEnd <= outerEnd;
}
