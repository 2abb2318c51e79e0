import { describe, expect, it } from "vitest";
import { checkAddress, parseCidr, parseCidrList, parseIp } from "@/lib/webhooks/ssrf-guard";

function reasonFor(address: string): string {
  const verdict = checkAddress(address);
  if (verdict.allowed) throw new Error(`${address} was allowed`);
  return verdict.reason;
}

/**
 * The policy table: one row per refused range, each with an address inside it (refused, and the
 * reason names the range) and, where a neighbour is public, an address just outside it (allowed).
 */
const RANGES: Array<{ range: string; refused: string[]; reason: RegExp; allowed?: string[] }> = [
  // IPv4
  { range: "0.0.0.0/8 unspecified", refused: ["0.0.0.0", "0.255.255.255"], reason: /unspecified/, allowed: ["1.0.0.1"] },
  { range: "10.0.0.0/8 private", refused: ["10.0.0.1", "10.255.255.255"], reason: /private/, allowed: ["11.0.0.1", "9.255.255.255"] },
  { range: "100.64.0.0/10 CGNAT", refused: ["100.64.0.1", "100.127.255.254"], reason: /carrier-grade NAT/, allowed: ["100.63.255.255", "100.128.0.1"] },
  { range: "127.0.0.0/8 loopback", refused: ["127.0.0.1", "127.255.255.254"], reason: /loopback/, allowed: ["128.0.0.1"] },
  { range: "169.254.0.0/16 link-local", refused: ["169.254.169.254", "169.254.0.1"], reason: /link-local/, allowed: ["169.253.255.255", "169.255.0.1"] },
  { range: "172.16.0.0/12 private", refused: ["172.16.0.1", "172.20.10.5", "172.31.255.255"], reason: /private/, allowed: ["172.15.255.255", "172.32.0.1"] },
  { range: "192.0.0.0/24 IETF protocol assignments", refused: ["192.0.0.1", "192.0.0.255"], reason: /IETF protocol assignment/, allowed: ["192.0.1.1"] },
  { range: "192.0.2.0/24 documentation", refused: ["192.0.2.10"], reason: /documentation/, allowed: ["192.0.3.1"] },
  { range: "192.88.99.0/24 6to4 relay anycast", refused: ["192.88.99.1"], reason: /6to4 relay/, allowed: ["192.88.98.1", "192.88.100.1"] },
  { range: "192.168.0.0/16 private", refused: ["192.168.0.1", "192.168.255.255"], reason: /private/, allowed: ["192.169.0.1"] },
  { range: "198.18.0.0/15 benchmarking", refused: ["198.18.0.1", "198.19.255.254"], reason: /benchmarking/, allowed: ["198.17.255.255", "198.20.0.1"] },
  { range: "198.51.100.0/24 documentation", refused: ["198.51.100.7"], reason: /documentation/, allowed: ["198.51.101.1"] },
  { range: "203.0.113.0/24 documentation", refused: ["203.0.113.9"], reason: /documentation/, allowed: ["203.0.114.1"] },
  { range: "224.0.0.0/4 multicast", refused: ["224.0.0.1", "239.255.255.250"], reason: /multicast/, allowed: ["223.255.255.255"] },
  { range: "240.0.0.0/4 reserved", refused: ["240.0.0.1", "255.255.255.254"], reason: /reserved/ },
  { range: "255.255.255.255 broadcast", refused: ["255.255.255.255"], reason: /broadcast/ },
  // IPv4 in the legacy forms the system resolver still accepts (inet_aton)
  { range: "legacy IPv4 spellings", refused: ["0x7f.1", "2130706433", "0177.0.0.1", "127.1"], reason: /loopback/, allowed: ["01.2.3.4"] },
  // IPv6
  { range: "::/128 unspecified", refused: ["::", "0:0:0:0:0:0:0:0"], reason: /unspecified/ },
  { range: "::1/128 loopback", refused: ["::1", "[::1]", "0:0:0:0:0:0:0:1"], reason: /loopback/ },
  { range: "100::/64 discard", refused: ["100::1"], reason: /discard/ },
  { range: "2001:2::/48 benchmarking", refused: ["2001:2::1"], reason: /benchmarking/ },
  { range: "2001::/23 IETF protocol assignments", refused: ["2001:100::1"], reason: /IETF protocol assignment/, allowed: ["2001:200::1"] },
  { range: "2001:10::/28, 2001:20::/28 ORCHID", refused: ["2001:10::1", "2001:20::1"], reason: /ORCHID/ },
  { range: "2001:db8::/32 documentation", refused: ["2001:db8::1", "2001:db8:ffff::1"], reason: /documentation/, allowed: ["2001:db9::1"] },
  { range: "3fff::/20 documentation", refused: ["3fff::1"], reason: /documentation/, allowed: ["3fff:1000::1"] },
  { range: "5f00::/16 segment routing", refused: ["5f00::1"], reason: /segment-routing/ },
  { range: "fc00::/7 unique local", refused: ["fc00::1", "fd12::1"], reason: /private|unique local/ },
  { range: "fe80::/10 link-local", refused: ["fe80::1", "fe80::1%eth0", "fe80::1%en0.1", "febf::1"], reason: /link-local/ },
  { range: "fec0::/10 site-local", refused: ["fec0::1"], reason: /site-local/ },
  { range: "ff00::/8 multicast", refused: ["ff02::1", "ff0e::1"], reason: /multicast/ },
  { range: "outside 2000::/3", refused: ["4000::1", "1234::1", "::1:0:0:1"], reason: /outside the global unicast range/, allowed: ["2000::1", "3ffe::1"] },
  // IPv6 forms that carry an IPv4 address: the IPv4 address decides
  { range: "::ffff:0:0/96 IPv4-mapped", refused: ["::ffff:127.0.0.1", "::ffff:7f00:1", "[::ffff:127.0.0.1]"], reason: /embeds an IPv4 address: 127\.0\.0\.1 is a loopback/, allowed: ["::ffff:8.8.8.8", "::ffff:808:808"] },
  { range: "::ffff:0:0/96 IPv4-mapped metadata", refused: ["::ffff:169.254.169.254", "::ffff:a9fe:a9fe"], reason: /embeds an IPv4 address: 169\.254\.169\.254 is a link-local/ },
  { range: "::ffff:0:0:0/96 IPv4-translated", refused: ["::ffff:0:a00:1"], reason: /embeds an IPv4 address: 10\.0\.0\.1 is a private/, allowed: ["::ffff:0:808:808"] },
  { range: "::/96 IPv4-compatible", refused: ["::127.0.0.1", "::7f00:1"], reason: /embeds an IPv4 address: 127\.0\.0\.1 is a loopback/, allowed: ["::808:808"] },
  { range: "64:ff9b::/96 NAT64", refused: ["64:ff9b::a00:1", "64:ff9b::10.0.0.1"], reason: /embeds an IPv4 address: 10\.0\.0\.1 is a private/, allowed: ["64:ff9b::808:808", "64:ff9b::93.184.216.34"] },
  { range: "64:ff9b:1::/48 local-use NAT64 (RFC 8215)", refused: ["64:ff9b:1::808:808", "64:ff9b:1:ffff::1"], reason: /local-use NAT64/ },
  { range: "2002::/16 6to4", refused: ["2002:7f00:1::", "2002:a9fe:a9fe::1"], reason: /embeds an IPv4 address: (127\.0\.0\.1 is a loopback|169\.254\.169\.254 is a link-local)/, allowed: ["2002:808:808::1"] },
  // Teredo: 2001:0:<server>:<flags>:<~port>:<~client>. RFC 4380's example: server 65.54.227.120,
  // client 192.0.2.45 (3fff:fdd2 inverted), a documentation address.
  { range: "2001::/32 Teredo, client decoded", refused: ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:0:4136:e378:8000:63bf:80ff:fffe"], reason: /embeds an IPv4 address: (192\.0\.2\.45 is a documentation|127\.0\.0\.1 is a loopback)/, allowed: ["2001:0:4136:e378:8000:63bf:a2b2:2bdd" /* client 93.77.212.34 */] },
  { range: "2001::/32 Teredo, server decoded", refused: ["2001:0:a00:1:8000:63bf:a2b2:2bdd"], reason: /embeds an IPv4 address: 10\.0\.0\.1 is a private/ },
];

describe("checkAddress: the SSRF table", () => {
  describe.each(RANGES)("$range", ({ refused, reason, allowed }) => {
    it.each(refused)("refuses %s and names why", (address) => {
      expect(reasonFor(address)).toMatch(reason);
    });
    if (allowed) {
      it.each(allowed)("allows its public neighbour %s", (address) => {
        expect(checkAddress(address)).toEqual({ allowed: true });
      });
    }
  });

  it("says which IPv4 address an IPv6 address hides", () => {
    const reason = reasonFor("::ffff:169.254.169.254");
    expect(reason).toMatch(/embeds an IPv4 address/);
    expect(reason).toContain("169.254.169.254");
  });

  it("refuses text that is not an IP literal", () => {
    for (const text of ["example.com", "localhost", "", "256.1.1.1", "08.1.1.1", "1.2.3.4.5", "::g", "1::2::3", "[::1"]) {
      const verdict = checkAddress(text);
      expect(verdict.allowed).toBe(false);
      if (!verdict.allowed) expect(verdict.reason).toMatch(/not an IP address/);
    }
  });
});

describe("checkAddress allows public addresses", () => {
  it.each([
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "192.175.48.1", // AS112 DNS sink: anycast on the public Internet
    "2606:4700::1",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "2a00:1450:4001:830::200e",
  ])("allows %s", (address) => {
    expect(checkAddress(address)).toEqual({ allowed: true });
  });
});

describe("allowed CIDRs", () => {
  const allowed = parseCidrList("127.0.0.0/8,::1/128");

  it("open exactly the listed ranges", () => {
    expect(checkAddress("127.0.0.1", allowed)).toEqual({ allowed: true });
    expect(checkAddress("127.10.20.30", allowed)).toEqual({ allowed: true });
    expect(checkAddress("::1", allowed)).toEqual({ allowed: true });
    expect(checkAddress("[::1]", allowed)).toEqual({ allowed: true });

    expect(checkAddress("10.0.0.1", allowed).allowed).toBe(false);
    expect(checkAddress("169.254.169.254", allowed).allowed).toBe(false);
    expect(checkAddress("128.0.0.1", allowed)).toEqual({ allowed: true }); // public anyway
    expect(checkAddress("::2", allowed).allowed).toBe(false);
    expect(checkAddress("::", allowed).allowed).toBe(false);
    expect(checkAddress("fe80::1", allowed).allowed).toBe(false);
  });

  it("open the IPv4 range in its IPv6 spellings too, and only that range", () => {
    for (const mapped of ["::ffff:127.0.0.1", "::ffff:7f00:1", "[::ffff:127.0.0.1]", "::ffff:127.9.9.9"]) {
      expect(checkAddress(mapped, allowed)).toEqual({ allowed: true });
    }
    expect(checkAddress("::ffff:10.0.0.1", allowed).allowed).toBe(false);
    expect(checkAddress("::ffff:169.254.169.254", allowed).allowed).toBe(false);
  });

  it("open IPv6 ranges", () => {
    const ula = parseCidrList("fd00::/8");
    expect(checkAddress("fd12:3456::1", ula)).toEqual({ allowed: true });
    expect(checkAddress("fc00::1", ula).allowed).toBe(false);
  });

  it("respect prefix lengths that are not byte-aligned", () => {
    const narrow = parseCidrList("10.1.2.0/23");
    expect(checkAddress("10.1.2.1", narrow).allowed).toBe(true);
    expect(checkAddress("10.1.3.254", narrow).allowed).toBe(true);
    expect(checkAddress("10.1.4.1", narrow).allowed).toBe(false);
    expect(checkAddress("10.1.1.255", narrow).allowed).toBe(false);
  });

  it("never match an address of the other family", () => {
    expect(checkAddress("fc00::1", parseCidrList("0.0.0.0/0")).allowed).toBe(false);
    expect(checkAddress("10.0.0.1", parseCidrList("::/0")).allowed).toBe(false);
  });
});

describe("parseCidr / parseCidrList", () => {
  it("parses IPv4 and IPv6 ranges", () => {
    const v4 = parseCidr("127.0.0.0/8");
    expect(v4.address.toString()).toBe("127.0.0.0");
    expect(v4.prefix).toBe(8);
    expect(v4.text).toBe("127.0.0.0/8");
    const v6 = parseCidr(" ::1/128 ");
    expect(v6.address.kind()).toBe("ipv6");
    expect(v6.address.toString()).toBe("::1");
    expect(v6.prefix).toBe(128);
    expect(v6.text).toBe("::1/128");
  });

  it("treats a bare address as a single-address range", () => {
    expect(parseCidr("10.0.0.1").prefix).toBe(32);
    expect(parseCidr("fd00::1").prefix).toBe(128);
  });

  it.each(["abc", "10.0.0.0/33", "1.2.3.4/x", "::1/129", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/", "10.0.0.0/8.5", "/8", ""])(
    "rejects %j with an Error",
    (text) => {
      expect(() => parseCidr(text)).toThrow(Error);
    },
  );

  it("does not let a trailing slash turn into /0 (allow everything)", () => {
    expect(() => parseCidrList("127.0.0.0/")).toThrow(Error);
  });

  it("parses a comma-separated list and skips empty parts", () => {
    const list = parseCidrList("127.0.0.0/8, ::1/128,,");
    expect(list.map((cidr) => cidr.text)).toEqual(["127.0.0.0/8", "::1/128"]);
    expect(parseCidrList("")).toEqual([]);
    expect(parseCidrList("   ")).toEqual([]);
    expect(parseCidrList(undefined)).toEqual([]);
  });

  it("rejects a list with one bad entry", () => {
    expect(() => parseCidrList("127.0.0.0/8,abc")).toThrow(/abc/);
    expect(() => parseCidrList("10.0.0.0/33")).toThrow(/10\.0\.0\.0\/33/);
  });
});

describe("parseIp", () => {
  it("reads IPv4, IPv6 (bracketed, with a zone, with a dotted tail) and legacy IPv4 forms", () => {
    expect(parseIp("192.168.1.20")?.toByteArray()).toEqual([192, 168, 1, 20]);
    expect(parseIp("2606:4700:4700::1111")?.toByteArray()).toEqual([0x26, 0x06, 0x47, 0x00, 0x47, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x11, 0x11]);
    expect(parseIp("::ffff:1.2.3.4")?.toByteArray()).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
    expect(parseIp("[::1]")?.toString()).toBe("::1");
    expect(parseIp("fe80::1%eth0")?.toString()).toBe("fe80::1");
    expect(parseIp("0x7f.1")?.toString()).toBe("127.0.0.1");
  });

  it("reads nothing longer than an address can be (no regex runs over a long host name)", () => {
    expect(parseIp(`fe80::1%${"a".repeat(60)}`)?.toString()).toBe("fe80::1");
    expect(parseIp(`fe80::1%${"a".repeat(200)}`)).toBeNull();
    expect(parseIp("1:".repeat(100_000))).toBeNull();
  });

  it.each(["example.com", "localhost", "my-host.internal", "", "1.2.3.4.5", "::g", "1::2::3", "256.0.0.1"])(
    "returns null for %j",
    (text) => {
      expect(parseIp(text)).toBeNull();
    },
  );
});
