/**
 * Which network addresses a delivery may connect to. Pure: no DNS here.
 *
 * Contract: an address is refused when it is loopback, private, link-local (cloud metadata at
 * 169.254.169.254 included), CGNAT, multicast, unspecified, reserved or documentation space,
 * in IPv4 or IPv6 form, including IPv4 addresses embedded in IPv6 (mapped, compatible, NAT64,
 * 6to4). Ranges listed in HOOKLINE_ALLOWED_CIDRS are let through (local development, tests).
 * The caller resolves the host once, checks every address here and connects only to a checked
 * address, so a DNS answer that changes between check and connect cannot redirect it.
 */
import { isIP } from "node:net";

export interface Cidr {
  /** 4 bytes for IPv4, 16 for IPv6 */
  bytes: Uint8Array;
  prefix: number;
  text: string;
}

function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    if (!/^\d{1,3}$/.test(parts[i])) return null;
    const n = Number(parts[i]);
    if (n > 255) return null;
    bytes[i] = n;
  }
  return bytes;
}

function parseIPv6(input: string): Uint8Array | null {
  let text = input.replace(/^\[|\]$/g, "");
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  // A trailing dotted IPv4 part (::ffff:1.2.3.4) becomes two hex groups.
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".", lastColon)) {
    const v4 = parseIPv4(text.slice(lastColon + 1));
    if (!v4) return null;
    text = `${text.slice(0, lastColon + 1)}${((v4[0] << 8) | v4[1]).toString(16)}:${((v4[2] << 8) | v4[3]).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(groups[i])) return null;
    const n = parseInt(groups[i], 16);
    bytes[2 * i] = n >> 8;
    bytes[2 * i + 1] = n & 255;
  }
  return bytes;
}

/** The address as bytes (4 for IPv4, 16 for IPv6), or null when it is not an IP literal. */
export function parseIp(text: string): Uint8Array | null {
  const bare = text.replace(/^\[|\]$/g, "");
  const kind = isIP(bare.split("%")[0]);
  if (kind === 4) return parseIPv4(bare);
  if (kind === 6) return parseIPv6(bare);
  return null;
}

export function parseCidr(text: string): Cidr {
  const [address, prefixText, extra] = text.trim().split("/");
  const bytes = parseIp(address ?? "");
  if (!bytes || extra !== undefined) throw new Error(`"${text}" is not a CIDR range like 127.0.0.0/8 or ::1/128`);
  const max = bytes.length * 8;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  // `10.0.0.0/` must not read as /0 (Number("") is 0), which would allow every address.
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
    throw new Error(`"${text}" has a prefix length outside 0–${max}`);
  }
  return { bytes, prefix, text: text.trim() };
}

/** Parses a comma-separated CIDR list such as HOOKLINE_ALLOWED_CIDRS. */
export function parseCidrList(text: string | undefined): Cidr[] {
  if (!text || !text.trim()) return [];
  return text.split(",").filter((part) => part.trim()).map(parseCidr);
}

function inCidr(bytes: Uint8Array, cidr: Cidr): boolean {
  if (bytes.length !== cidr.bytes.length) return false;
  let bits = cidr.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (cidr.bytes[i] & mask)) return false;
  }
  return true;
}

const BLOCKED_V4: Array<[string, string]> = [
  ["0.0.0.0/8", "unspecified"],
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "carrier-grade NAT"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "reserved"],
  ["192.0.2.0/24", "documentation"],
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "benchmarking"],
  ["198.51.100.0/24", "documentation"],
  ["203.0.113.0/24", "documentation"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"],
];

const BLOCKED_V6: Array<[string, string]> = [
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["100::/64", "discard"],
  ["2001:db8::/32", "documentation"],
  ["fc00::/7", "private (unique local)"],
  ["fe80::/10", "link-local"],
  ["fec0::/10", "site-local"],
  ["ff00::/8", "multicast"],
];

const BLOCKED = [...BLOCKED_V4, ...BLOCKED_V6].map(([cidr, reason]) => ({ cidr: parseCidr(cidr), reason }));

/** IPv6 forms that carry an IPv4 address: the IPv4 part decides. */
const EMBEDDED_V4: Array<{ cidr: Cidr; offset: number }> = [
  { cidr: parseCidr("::ffff:0:0/96"), offset: 12 }, // IPv4-mapped
  { cidr: parseCidr("::/96"), offset: 12 }, // IPv4-compatible (deprecated)
  { cidr: parseCidr("64:ff9b::/96"), offset: 12 }, // NAT64
  { cidr: parseCidr("2002::/16"), offset: 2 }, // 6to4
];

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Decides whether a delivery may connect to `address` (an IP literal). */
export function checkAddress(address: string, allowedCidrs: Cidr[] = []): AddressVerdict {
  const bytes = parseIp(address);
  if (!bytes) return { allowed: false, reason: `"${address}" is not an IP address` };
  if (allowedCidrs.some((cidr) => inCidr(bytes, cidr))) return { allowed: true };
  // :: and ::1 also sit inside ::/96 (IPv4-compatible); the IPv6 table names them better.
  const isV6UnspecifiedOrLoopback = bytes.length === 16 && bytes.slice(0, 15).every((b) => b === 0) && bytes[15] <= 1;
  if (bytes.length === 16 && !isV6UnspecifiedOrLoopback) {
    const embedding = EMBEDDED_V4.find(({ cidr }) => inCidr(bytes, cidr));
    if (embedding) {
      const v4 = Array.from(bytes.slice(embedding.offset, embedding.offset + 4)).join(".");
      const verdict = checkAddress(v4, allowedCidrs);
      return verdict.allowed ? verdict : { allowed: false, reason: `${address} embeds an IPv4 address: ${verdict.reason}` };
    }
  }
  const blocked = BLOCKED.find(({ cidr }) => inCidr(bytes, cidr));
  return blocked ? { allowed: false, reason: `${address} is a ${blocked.reason} address` } : { allowed: true };
}
