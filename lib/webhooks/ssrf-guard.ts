/**
 * Which network addresses a delivery may connect to. Pure: no DNS here.
 *
 * Contract: an address is refused unless it is ordinary global unicast. Parsing and
 * classification are ipaddr.js's (every textual form, IANA's special-purpose registries via
 * `range()`); what this module owns is the policy: which of those ranges are refused, and the
 * HOOKLINE_ALLOWED_CIDRS allow-list that reopens ranges (local development, tests).
 *
 * - IPv4 refused: unspecified 0/8, loopback, private (RFC 1918), link-local (cloud metadata at
 *   169.254.169.254 included), carrier-grade NAT 100.64/10, multicast, broadcast, and every
 *   "reserved" range (192.0.0/24, the documentation ranges, 192.88.99/24 6to4 relays,
 *   198.18/15 benchmarking, 240/4).
 * - IPv6 refused: ::, ::1, unique local fc00::/7, link-local fe80::/10, site-local, multicast,
 *   discard, benchmarking, documentation (2001:db8::/32, 3fff::/20), the other IETF protocol
 *   assignments, non-routable identifier ranges (ORCHID, DRIP, SRv6 SIDs), and anything outside
 *   the global unicast space 2000::/3 that is not one of the forms below.
 * - IPv6 addresses that carry an IPv4 address are judged by that IPv4 address, allow-list
 *   included, exactly as if it had been given alone: IPv4-mapped ::ffff:0:0/96 (the kernel
 *   connects to the IPv4 address), IPv4-translated ::ffff:0:0:0/96, IPv4-compatible ::/96,
 *   NAT64 64:ff9b::/96, 6to4 2002::/16 and Teredo 2001::/32. A Teredo address names two IPv4
 *   hosts, its server and its client (stored inverted, RFC 4380 §4); packets reach the client
 *   through the server, so both must be allowed. The local-use NAT64 prefix 64:ff9b:1::/48
 *   (RFC 8215) is refused whole: where its IPv4 part sits depends on the prefix length the
 *   local network chose (RFC 6052 §2.2), so it cannot be decoded from the address alone, and by
 *   definition it leads into that local network.
 * - Any range name this table does not know (a newer ipaddr.js) is refused: fail closed.
 * - An allow-listed range is let through before any of the above.
 *
 * IPv4 text in the legacy forms (`0x7f.1`, `2130706433`, `0177.0.0.1`) is read as the system
 * resolver reads it (inet_aton), so it is judged by the address it really names.
 *
 * The caller resolves the host once, checks every address here and connects only to a checked
 * address, so a DNS answer that changes between check and connect cannot redirect it.
 */
import ipaddr from "ipaddr.js";

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

export interface Cidr {
  address: IpAddress;
  prefix: number;
  text: string;
}

/**
 * The longest text read as an address: a full IPv6 address with a dotted IPv4 tail is 45
 * characters, brackets and an interface zone add a few more. Anything longer is not an IP
 * literal, and is refused before a regex sees it.
 */
const MAX_IP_TEXT = 100;

/** The address, or null when `text` is not an IP literal. Accepts `[v6]` and a `%zone`. */
export function parseIp(text: string): IpAddress | null {
  if (text.length > MAX_IP_TEXT) return null;
  let bare = text.trim();
  if (bare.startsWith("[") && bare.endsWith("]")) bare = bare.slice(1, -1);
  // The zone only picks an interface; it does not change which range the address is in, and
  // ipaddr.js accepts fewer zone spellings than the kernel does.
  if (bare.includes(":")) bare = bare.replace(/%.*$/, "");
  if (!bare || !ipaddr.isValid(bare)) return null;
  return ipaddr.parse(bare);
}

export function parseCidr(text: string): Cidr {
  const [addressText, prefixText, extra] = text.trim().split("/");
  const address = parseIp(addressText ?? "");
  if (!address || extra !== undefined) throw new Error(`"${text}" is not a CIDR range like 127.0.0.0/8 or ::1/128`);
  const max = address.kind() === "ipv4" ? 32 : 128;
  // `10.0.0.0/` must not read as /0 (Number("") is 0), which would allow every address.
  if (prefixText !== undefined && !/^\d+$/.test(prefixText)) throw new Error(`"${text}" has a prefix length outside 0–${max}`);
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) throw new Error(`"${text}" has a prefix length outside 0–${max}`);
  return { address, prefix, text: text.trim() };
}

/** Parses a comma-separated CIDR list such as HOOKLINE_ALLOWED_CIDRS. */
export function parseCidrList(text: string | undefined): Cidr[] {
  if (!text || !text.trim()) return [];
  return text.split(",").filter((part) => part.trim()).map(parseCidr);
}

export function inCidr(address: IpAddress, cidr: Cidr): boolean {
  return address.kind() === cidr.address.kind() && address.match(cidr.address, cidr.prefix);
}

function cidrs(list: string[]): Array<[IpAddress, number]> {
  return list.map((text) => ipaddr.parseCIDR(text));
}

/** Why an IPv4 range is refused (null: allowed), for every name `IPv4.range()` returns. */
const IPV4_POLICY: Record<string, string | null> = {
  unicast: null,
  // AS112 DNS sinks and AMT relays are globally reachable anycast services (IANA registry).
  as112: null,
  amt: null,
  unspecified: "an unspecified address",
  broadcast: "the broadcast address",
  multicast: "a multicast address",
  linkLocal: "a link-local address",
  loopback: "a loopback address",
  carrierGradeNat: "a carrier-grade NAT address",
  private: "a private address",
  reserved: "reserved", // named more precisely below
};

/** ipaddr.js groups these under "reserved"; the name tells a user why their URL was refused. */
const IPV4_RESERVED_NAMES = {
  "a documentation address": cidrs(["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"]),
  "a benchmarking address": cidrs(["198.18.0.0/15"]),
  "a 6to4 relay anycast address": cidrs(["192.88.99.0/24"]),
  "an IETF protocol assignment address": cidrs(["192.0.0.0/24"]),
};

/** Why an IPv6 range is refused (null: allowed), for every name `IPv6.range()` returns. */
const IPV6_POLICY: Record<string, string | null> = {
  unicast: null, // within 2000::/3 only, see checkIPv6
  amt: null,
  as112v6: null,
  unspecified: "an unspecified address",
  loopback: "a loopback address",
  linkLocal: "a link-local address",
  uniqueLocal: "a private (unique local) address",
  deprecatedSiteLocal: "a site-local address",
  multicast: "a multicast address",
  discard: "a discard-only address",
  benchmarking: "a benchmarking address",
  deprecatedOrchid: "an ORCHID identifier, not a routable address",
  orchid2: "an ORCHID identifier, not a routable address",
  droneRemoteIdProtocolEntityTags: "a DRIP entity tag, not a routable address",
  segmentRouting: "a segment-routing (SRv6) identifier",
  reserved: "reserved", // named more precisely below
  // The forms that embed an IPv4 address are judged in checkIPv6; these are its fallbacks.
  ipv4Mapped: null,
  rfc6145: null,
  rfc6052: "a local-use NAT64 address (RFC 8215)",
  "6to4": null,
  teredo: null,
};

const IPV6_RESERVED_NAMES = {
  "a documentation address": cidrs(["2001:db8::/32", "3fff::/20"]),
  "an IETF protocol assignment address": cidrs(["2001::/23"]),
};

const NAT64_WELL_KNOWN = ipaddr.parseCIDR("64:ff9b::/96");
const IPV4_COMPATIBLE = ipaddr.parseCIDR("::/96");
const GLOBAL_UNICAST = ipaddr.parseCIDR("2000::/3");

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

const ALLOWED: AddressVerdict = { allowed: true };

function ipv4From(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/** The IPv4 addresses an IPv6 address stands for, or null when it embeds none. */
function embeddedIPv4(address: ipaddr.IPv6, range: string): ipaddr.IPv4[] | null {
  const p = address.parts;
  switch (range) {
    case "ipv4Mapped":
    case "rfc6145":
      return [ipv4From(p[6], p[7])];
    case "rfc6052":
      return address.match(NAT64_WELL_KNOWN) ? [ipv4From(p[6], p[7])] : null;
    case "6to4":
      return [ipv4From(p[1], p[2])];
    case "teredo":
      // 2001:0:<server>:<flags>:<port ^ 0xffff>:<client ^ 0xffffffff>
      return [ipv4From(p[2], p[3]), ipv4From(p[6] ^ 0xffff, p[7] ^ 0xffff)];
    case "unicast":
      // IPv4-compatible ::a.b.c.d (deprecated by RFC 4291, ::1 and :: are classified before).
      return address.match(IPV4_COMPATIBLE) ? [ipv4From(p[6], p[7])] : null;
    default:
      return null;
  }
}

function refused(text: string, reason: string): AddressVerdict {
  return { allowed: false, reason: `${text} is ${reason}` };
}

function checkIPv4(address: ipaddr.IPv4, text: string): AddressVerdict {
  const range = address.range();
  if (!(range in IPV4_POLICY)) return refused(text, `in the special-purpose range "${range}"`);
  const reason = IPV4_POLICY[range];
  if (reason === null) return ALLOWED;
  if (range === "reserved") return refused(text, ipaddr.subnetMatch(address, IPV4_RESERVED_NAMES, "a reserved address"));
  return refused(text, reason);
}

function checkIPv6(address: ipaddr.IPv6, text: string, allowedCidrs: Cidr[]): AddressVerdict {
  const range = address.range();
  const embedded = embeddedIPv4(address, range);
  if (embedded) {
    for (const v4 of embedded) {
      const verdict = checkAddress(v4.toString(), allowedCidrs);
      if (!verdict.allowed) return { allowed: false, reason: `${text} embeds an IPv4 address: ${verdict.reason}` };
    }
    return ALLOWED;
  }
  if (!(range in IPV6_POLICY)) return refused(text, `in the special-purpose range "${range}"`);
  const reason = IPV6_POLICY[range];
  if (range === "reserved") return refused(text, ipaddr.subnetMatch(address, IPV6_RESERVED_NAMES, "a reserved address"));
  if (reason !== null) return refused(text, reason);
  if (range === "unicast" && !address.match(GLOBAL_UNICAST)) return refused(text, "outside the global unicast range 2000::/3");
  return ALLOWED;
}

/** Decides whether a delivery may connect to `address` (an IP literal). */
export function checkAddress(address: string, allowedCidrs: Cidr[] = []): AddressVerdict {
  const parsed = parseIp(address);
  if (!parsed) return { allowed: false, reason: `"${address}" is not an IP address` };
  if (allowedCidrs.some((cidr) => inCidr(parsed, cidr))) return ALLOWED;
  return parsed instanceof ipaddr.IPv4 ? checkIPv4(parsed, address) : checkIPv6(parsed, address, allowedCidrs);
}
