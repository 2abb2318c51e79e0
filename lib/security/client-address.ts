/**
 * The address a request comes from, for the limits kept per address (sign-ups, failed sign-ins,
 * bodies in transit without a credential).
 *
 * It is the connection's address, unless that is a proxy Hookline trusts
 * (HOOKLINE_TRUSTED_PROXIES, by default only this machine): then it is the `X-Forwarded-For`
 * entry that proxy wrote (its right-most), and so on leftwards while the entries are trusted
 * proxies too. An entry written by anyone else is never read. Before, the right-most entry was
 * taken as it came, so a client connecting directly could send its own and name any address:
 * every per-address limit, the only one on sign-ups, was one header away. An IPv6 client is
 * counted by its /64 (limitKey).
 */
import ipaddr from "ipaddr.js";
import { inCidr, parseIp, type Cidr, type IpAddress } from "../webhooks/ssrf-guard";

/** An address as the limits key it: IPv4 clients of a dual-stack server arrive as `::ffff:a.b.c.d`. */
function canonical(address: IpAddress): IpAddress {
  return address instanceof ipaddr.IPv6 && address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
}

/**
 * The key the limits count an address under: an IPv4 address itself, an IPv6 address's /64.
 * One IPv6 subscriber is routinely given a whole /64 (2^64 addresses), so counting each address
 * alone would let one client be as many clients as it likes.
 */
function limitKey(address: IpAddress): string {
  if (address instanceof ipaddr.IPv4) return address.toString();
  return `${new ipaddr.IPv6([...address.parts.slice(0, 4), 0, 0, 0, 0]).toString()}/64`;
}

/** The most of one unparsable entry kept (a trusted proxy writes addresses; anything else is cut short). */
const MAX_ENTRY_LENGTH = 100;

export function clientAddressOf(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trusted: Cidr[]): string {
  const entries = trusted.length && forwardedFor ? [forwardedFor].flat().join(",").split(",") : [];
  let hop = socketAddress ?? "";
  for (;;) {
    const parsed = parseIp(hop.trim());
    if (!parsed) return hop.trim().slice(0, MAX_ENTRY_LENGTH) || "unknown";
    const address = canonical(parsed);
    if (entries.length === 0 || !trusted.some((cidr) => inCidr(address, cidr))) return limitKey(address);
    hop = entries.pop()!;
  }
}
