// clientAddressOf (lib/security/client-address.ts): the address every per-address limit reads.
// X-Forwarded-For is read only as far as trusted proxies wrote it, right to left; a client that
// connects directly cannot name its own address.
import { describe, expect, it } from "vitest";
import { clientAddressOf } from "@/lib/security/client-address";
import { parseCidrList } from "@/lib/webhooks/ssrf-guard";

const LOOPBACK = parseCidrList("127.0.0.0/8,::1/128");
const LOOPBACK_AND_LAN = parseCidrList("127.0.0.0/8,::1/128,10.0.0.0/8");

describe("clientAddressOf", () => {
  it("is the connection's address when it is not a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(clientAddressOf("203.0.113.9", "198.51.100.1", LOOPBACK)).toBe("203.0.113.9");
    expect(clientAddressOf("203.0.113.9", "198.51.100.1, 127.0.0.1", LOOPBACK)).toBe("203.0.113.9");
    expect(clientAddressOf("203.0.113.9", undefined, LOOPBACK)).toBe("203.0.113.9");
    // Nothing trusted: not even this machine's proxy.
    expect(clientAddressOf("127.0.0.1", "198.51.100.1", [])).toBe("127.0.0.1");
  });

  it("behind a trusted proxy, is the entry that proxy wrote: the right-most", () => {
    expect(clientAddressOf("127.0.0.1", "198.51.100.1", LOOPBACK)).toBe("198.51.100.1");
    // A client's own entry sits to the left of what the proxy appended, and is not read.
    expect(clientAddressOf("127.0.0.1", "1.2.3.4, 198.51.100.1", LOOPBACK)).toBe("198.51.100.1");
    expect(clientAddressOf("::1", " 2001:db8::7 ", LOOPBACK)).toBe("2001:db8::/64");
    // A trusted proxy that wrote nothing: the proxy is the client.
    expect(clientAddressOf("127.0.0.1", undefined, LOOPBACK)).toBe("127.0.0.1");
  });

  it("walks left through a chain of trusted proxies, and stops at the first untrusted entry", () => {
    expect(clientAddressOf("127.0.0.1", "1.2.3.4, 198.51.100.1, 10.0.0.5", LOOPBACK_AND_LAN)).toBe("198.51.100.1");
    expect(clientAddressOf("127.0.0.1", ["1.2.3.4, 198.51.100.1", "10.0.0.5"], LOOPBACK_AND_LAN)).toBe("198.51.100.1");
    // Every entry a trusted proxy: the left-most is as far as anyone can tell.
    expect(clientAddressOf("127.0.0.1", "10.0.0.9, 10.0.0.5", LOOPBACK_AND_LAN)).toBe("10.0.0.9");
    // Only this machine trusted: a LAN proxy's entry is the client.
    expect(clientAddressOf("127.0.0.1", "198.51.100.1, 10.0.0.5", LOOPBACK)).toBe("10.0.0.5");
  });

  it("counts an IPv6 client by its /64: one subscriber's network is one client", () => {
    expect(clientAddressOf("2001:db8:1:2:aaaa::1", undefined, LOOPBACK)).toBe("2001:db8:1:2::/64");
    expect(clientAddressOf("2001:db8:1:2:ffff:ffff:ffff:ffff", undefined, LOOPBACK)).toBe("2001:db8:1:2::/64");
    expect(clientAddressOf("2001:db8:1:3::1", undefined, LOOPBACK)).toBe("2001:db8:1:3::/64");
    // Trust is decided on the whole address, not the /64.
    expect(clientAddressOf("::1", "2001:db8::5", parseCidrList("::1/128"))).toBe("2001:db8::/64");
    expect(clientAddressOf("::2", "2001:db8::5", parseCidrList("::1/128"))).toBe("::/64");
  });

  it("reads IPv4 clients of a dual-stack server as IPv4, for trust and as the key", () => {
    expect(clientAddressOf("::ffff:127.0.0.1", "198.51.100.1", LOOPBACK)).toBe("198.51.100.1");
    expect(clientAddressOf("::ffff:203.0.113.9", "198.51.100.1", LOOPBACK)).toBe("203.0.113.9");
    expect(clientAddressOf("127.0.0.1", "::ffff:198.51.100.1", LOOPBACK)).toBe("198.51.100.1");
  });

  it("keeps what a trusted proxy wrote that is not an address, cut short; no address at all is 'unknown'", () => {
    expect(clientAddressOf("127.0.0.1", "unknown", LOOPBACK)).toBe("unknown");
    expect(clientAddressOf("127.0.0.1", `x${"y".repeat(10_000)}`, LOOPBACK)).toHaveLength(100);
    expect(clientAddressOf("127.0.0.1", "198.51.100.1,", LOOPBACK)).toBe("unknown");
    expect(clientAddressOf(undefined, "198.51.100.1", LOOPBACK)).toBe("unknown");
  });
});
