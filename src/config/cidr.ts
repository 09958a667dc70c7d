import { isIP } from 'node:net';

/** An address range: `127.0.0.0/8`, `2001:db8::/32`, or a single address. */
export interface Cidr {
  readonly family: 4 | 6;
  readonly bits: bigint;
  readonly prefix: number;
}

function ipToBigInt(ip: string): { family: 4 | 6; value: bigint } | undefined {
  const fam = isIP(ip);
  if (fam === 4) {
    const v = ip.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
    return { family: 4, value: v };
  }
  if (fam === 6) {
    // Expand '::' and an embedded IPv4 tail.
    let s = ip.toLowerCase();
    const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
    if (v4 !== null) {
      const n = ipToBigInt(v4[1]!)!.value;
      s = s.slice(0, -v4[1]!.length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
    }
    const [l, r] = s.split('::') as [string, string | undefined];
    const left = l === '' ? [] : l.split(':');
    const right = r === undefined || r === '' ? [] : r.split(':');
    const fill = r === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
    const groups = [...left, ...fill, ...right];
    if (groups.length !== 8) return undefined;
    return { family: 6, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
  }
  return undefined;
}

export function parseCidr(text: string): Cidr | string {
  const [addr, len] = text.trim().split('/') as [string, string | undefined];
  const ip = ipToBigInt(addr);
  if (ip === undefined) return `'${addr}' is not an IP address`;
  const max = ip.family === 4 ? 32 : 128;
  const prefix = len === undefined ? max : Number(len);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (len !== undefined && !/^\d+$/.test(len))) {
    return `prefix length '${len ?? ''}' must be 0-${max}`;
  }
  const shift = BigInt(max - prefix);
  return { family: ip.family, bits: (ip.value >> shift) << shift, prefix };
}

/** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6) lies in `cidr`. */
export function cidrContains(cidr: Cidr, address: string): boolean {
  let a = address;
  if (cidr.family === 4 && a.toLowerCase().startsWith('::ffff:') && isIP(a.slice(7)) === 4) a = a.slice(7);
  const ip = ipToBigInt(a);
  if (ip === undefined || ip.family !== cidr.family) return false;
  const shift = BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefix);
  return (ip.value >> shift) << shift === cidr.bits;
}
