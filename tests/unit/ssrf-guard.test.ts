import { describe, expect, it } from "vitest";
import { checkAddress, parseCidr, parseCidrList, parseIp } from "@/lib/webhooks/ssrf-guard";

function reasonFor(address: string): string {
  const verdict = checkAddress(address);
  if (verdict.allowed) throw new Error(`${address} was allowed`);
  return verdict.reason;
}

describe("checkAddress refuses internal addresses", () => {
  it.each([
    // IPv4
    ["127.0.0.1", /loopback/],
    ["127.255.255.254", /loopback/],
    ["10.0.0.1", /private/],
    ["10.255.255.255", /private/],
    ["172.16.0.1", /private/],
    ["172.20.10.5", /private/],
    ["172.31.255.255", /private/],
    ["192.168.0.1", /private/],
    ["192.168.255.255", /private/],
    ["169.254.169.254", /link-local/],
    ["169.254.0.1", /link-local/],
    ["100.64.0.1", /carrier-grade NAT/],
    ["100.127.255.254", /carrier-grade NAT/],
    ["0.0.0.0", /unspecified/],
    ["224.0.0.1", /multicast/],
    ["239.255.255.250", /multicast/],
    ["255.255.255.255", /reserved|broadcast/],
    ["192.0.2.10", /documentation/],
    ["198.18.0.1", /benchmarking/],
    // IPv6
    ["::1", /loopback/],
    ["::", /unspecified/],
    ["fe80::1", /link-local/],
    ["fe80::1%eth0", /link-local/],
    ["fc00::1", /private|unique local/],
    ["fd12::1", /private|unique local/],
    ["ff02::1", /multicast/],
    ["2001:db8::1", /documentation/],
    // IPv4 embedded in IPv6
    ["::ffff:127.0.0.1", /loopback/],
    ["::ffff:7f00:1", /loopback/],
    ["::ffff:169.254.169.254", /link-local/],
    ["::ffff:10.0.0.1", /private/],
    ["::127.0.0.1", /loopback/],
    ["64:ff9b::a00:1", /private/],
    ["64:ff9b::7f00:1", /loopback/],
    ["2002:7f00:1::", /loopback/],
    ["2002:a9fe:a9fe::1", /link-local/],
    // Bracketed, as in a URL
    ["[::1]", /loopback/],
  ])("refuses %s and names the category", (address, category) => {
    expect(reasonFor(address)).toMatch(category);
  });

  it("says when an IPv6 address hides an IPv4 one", () => {
    const reason = reasonFor("::ffff:169.254.169.254");
    expect(reason).toMatch(/embeds an IPv4 address/);
    expect(reason).toContain("169.254.169.254");
  });

  it("refuses text that is not an IP literal", () => {
    for (const text of ["example.com", "localhost", "", "1.2.3", "256.1.1.1", "01.2.3.4"]) {
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
    "172.15.255.255", // just below 172.16/12
    "172.32.0.1", // just above 172.16/12
    "100.63.255.255", // just below CGNAT
    "100.128.0.1", // just above CGNAT
    "11.0.0.1",
    "2606:4700:4700::1111",
    "2001:4860:4860::8888",
    "::ffff:8.8.8.8",
    "::ffff:808:808",
    "64:ff9b::808:808", // NAT64 of 8.8.8.8
    "2002:808:808::1", // 6to4 of 8.8.8.8
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
    expect(checkAddress("::ffff:127.0.0.1", allowed)).toEqual({ allowed: true });

    expect(checkAddress("10.0.0.1", allowed).allowed).toBe(false);
    expect(checkAddress("169.254.169.254", allowed).allowed).toBe(false);
    expect(checkAddress("128.0.0.1", allowed)).toEqual({ allowed: true }); // public anyway
    expect(checkAddress("::2", allowed).allowed).toBe(false);
    expect(checkAddress("::", allowed).allowed).toBe(false);
    expect(checkAddress("fe80::1", allowed).allowed).toBe(false);
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
    expect(parseCidr("127.0.0.0/8")).toEqual({ bytes: new Uint8Array([127, 0, 0, 0]), prefix: 8, text: "127.0.0.0/8" });
    const v6 = parseCidr(" ::1/128 ");
    expect(v6.prefix).toBe(128);
    expect(v6.bytes).toHaveLength(16);
    expect(v6.bytes[15]).toBe(1);
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
  it("returns 4 bytes for IPv4", () => {
    expect(parseIp("192.168.1.20")).toEqual(new Uint8Array([192, 168, 1, 20]));
  });

  it("returns 16 bytes for IPv6, expanding :: and dotted tails", () => {
    expect(parseIp("2606:4700:4700::1111")).toEqual(
      new Uint8Array([0x26, 0x06, 0x47, 0x00, 0x47, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x11, 0x11]),
    );
    expect(parseIp("::ffff:1.2.3.4")).toEqual(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]));
    expect(parseIp("[::1]")).toEqual(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]));
  });

  it.each(["example.com", "localhost", "my-host.internal", "", "1.2.3", "1.2.3.4.5", "::g", "1::2::3"])(
    "returns null for %j",
    (text) => {
      expect(parseIp(text)).toBeNull();
    },
  );
});
