/**
 * SPEC §12 portal links, the pure parts: the signed token (lib/portal/token.ts) and the portal
 * settings a user types (lib/validations/portal.ts), whose allowed origins go verbatim into the
 * portal pages' `frame-ancestors` and whose logo's origin into their `img-src`.
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newId } from "@/lib/ids";
import { generatePortalKey, parsePortalToken, portalTokenSignedWith, signPortalToken } from "@/lib/portal/token";
import { MAX_ALLOWED_ORIGINS, contrastWithWhite, parseAllowedOrigin, portalSettingsFormSchema } from "@/lib/validations/portal";

const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const IN_AN_HOUR = new Date("2030-01-02T03:04:05.000Z");

/** Whether `token` parses and verifies under `key`. */
function verifies(key: string, token: string): boolean {
  const parsed = parsePortalToken(token);
  return parsed !== null && portalTokenSignedWith(key, parsed);
}

/** `text` with the character at `index` replaced by another one of the base64url alphabet. */
function withCharacterChanged(text: string, index: number, alphabet = BASE64URL): string[] {
  return [...alphabet].filter((c) => c !== text[index]).map((c) => `${text.slice(0, index)}${c}${text.slice(index + 1)}`);
}

describe("signPortalToken / parsePortalToken", () => {
  it("round-trips: the consumer id and the expiry come back, and the token verifies under its key only", () => {
    const key = generatePortalKey();
    const consumerId = newId("con");
    const token = signPortalToken(key, consumerId, IN_AN_HOUR);
    expect(token).toMatch(/^con_[0-9A-Z]{26}\.[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    // URL-safe: it is a path segment as is.
    expect(encodeURIComponent(token)).toBe(token);

    const parsed = parsePortalToken(token);
    expect(parsed).toEqual({ consumerId, expiresAt: IN_AN_HOUR, expiry: (IN_AN_HOUR.getTime() / 1000).toString(36), mac: token.split(".")[2] });
    expect(portalTokenSignedWith(key, parsed!)).toBe(true);
    expect(portalTokenSignedWith(generatePortalKey(), parsed!)).toBe(false);
  });

  it("is HMAC-SHA256 under the base64url-decoded key of a domain-separated `consumer.expiry`", () => {
    const key = generatePortalKey();
    const consumerId = newId("con");
    const token = signPortalToken(key, consumerId, IN_AN_HOUR);
    const expiry = Math.floor(IN_AN_HOUR.getTime() / 1000).toString(36);
    const mac = createHmac("sha256", Buffer.from(key, "base64url")).update(`hookline-portal.${consumerId}.${expiry}`).digest("base64url");
    expect(token).toBe(`${consumerId}.${expiry}.${mac}`);
  });

  it("is deterministic per key, and every key is fresh and 32 random bytes", () => {
    const keys = Array.from({ length: 50 }, generatePortalKey);
    expect(new Set(keys).size).toBe(50);
    for (const key of keys) expect(Buffer.from(key, "base64url")).toHaveLength(32);
    const consumerId = newId("con");
    expect(signPortalToken(keys[0], consumerId, IN_AN_HOUR)).toBe(signPortalToken(keys[0], consumerId, IN_AN_HOUR));
    expect(signPortalToken(keys[0], consumerId, IN_AN_HOUR)).not.toBe(signPortalToken(keys[1], consumerId, IN_AN_HOUR));
  });

  it("rounds the expiry down to the second", () => {
    const key = generatePortalKey();
    const consumerId = newId("con");
    const exact = signPortalToken(key, consumerId, new Date("2030-01-02T03:04:05.000Z"));
    for (const time of ["2030-01-02T03:04:05.001Z", "2030-01-02T03:04:05.500Z", "2030-01-02T03:04:05.999Z"]) {
      const token = signPortalToken(key, consumerId, new Date(time));
      expect(token, time).toBe(exact);
      expect(parsePortalToken(token)!.expiresAt.toISOString(), time).toBe("2030-01-02T03:04:05.000Z");
    }
    expect(signPortalToken(key, consumerId, new Date("2030-01-02T03:04:06.000Z"))).not.toBe(exact);
  });

  it("refuses a token whose consumer, expiry or MAC was changed, by any single character", () => {
    const key = generatePortalKey();
    const consumerId = newId("con");
    const token = signPortalToken(key, consumerId, IN_AN_HOUR);
    expect(verifies(key, token)).toBe(true);
    const [, expiry, mac] = token.split(".");
    const macStart = token.length - mac.length;
    const expiryStart = consumerId.length + 1;

    // Every position of the MAC, the last one included (its spare bits must not make a second
    // spelling of the same MAC: one signature, one token).
    for (let index = macStart; index < token.length; index++) {
      for (const changed of withCharacterChanged(token, index)) expect(verifies(key, changed), changed).toBe(false);
    }
    for (let index = expiryStart; index < expiryStart + expiry.length; index++) {
      for (const changed of withCharacterChanged(token, index, "0123456789abcdefghijklmnopqrstuvwxyz")) expect(verifies(key, changed), changed).toBe(false);
    }
    // The same expiry written with a leading zero is a different signed text.
    expect(verifies(key, `${consumerId}.0${expiry}.${mac}`)).toBe(false);
    for (let index = "con_".length; index < consumerId.length; index++) {
      for (const changed of withCharacterChanged(token, index, "0123456789ABCDEFGHJKMNPQRSTVWXYZ")) expect(verifies(key, changed), changed).toBe(false);
    }
  });

  it("does not let one consumer's key sign for another consumer, nor a MAC move between consumers", () => {
    const keyA = generatePortalKey();
    const keyB = generatePortalKey();
    const consumerA = newId("con");
    const consumerB = newId("con");
    // B's key signing A's id: only A's key opens A's portal.
    expect(verifies(keyA, signPortalToken(keyB, consumerA, IN_AN_HOUR))).toBe(false);
    // A's MAC with B's id, under either key.
    const [, expiry, macA] = signPortalToken(keyA, consumerA, IN_AN_HOUR).split(".");
    const swapped = `${consumerB}.${expiry}.${macA}`;
    expect(verifies(keyA, swapped)).toBe(false);
    expect(verifies(keyB, swapped)).toBe(false);
    // Even under one shared key, the id is part of what is signed.
    expect(verifies(keyA, `${consumerB}.${expiry}.${macA}`)).toBe(false);
  });

  it("returns null for anything not shaped like a token, long ones included, in linear time", () => {
    const key = generatePortalKey();
    const consumerId = newId("con");
    const token = signPortalToken(key, consumerId, IN_AN_HOUR);
    const [, expiry, mac] = token.split(".");
    const malformed = [
      "",
      ".",
      "..",
      consumerId,
      `${consumerId}.${expiry}`,
      `${consumerId}..${mac}`,
      `.${expiry}.${mac}`,
      `${consumerId}.${expiry}.`,
      `${consumerId}.${expiry}.${mac}.extra`,
      `${token}A`, // MAC one character too long
      token.slice(0, -1), // … and too short
      `${consumerId}.${"1".repeat(9)}.${mac}`, // expiry too long
      `${consumerId}.${expiry.toUpperCase()}.${mac}`, // base 36 is lower case here
      `${consumerId}.-1.${mac}`,
      `${consumerId.toLowerCase()}.${expiry}.${mac}`,
      `ep_${consumerId.slice(4)}.${expiry}.${mac}`, // another kind of id
      `${consumerId}X.${expiry}.${mac}`,
      `${consumerId.slice(0, -1)}.${expiry}.${mac}`,
      `${consumerId}.${expiry}.${mac.slice(0, -1)}=`, // padded base64
      `${consumerId}.${expiry}.${mac.slice(0, -1)}+`, // base64, not base64url
      `${consumerId}.${expiry}.${mac.slice(0, -1)}/`,
      `${consumerId}.${expiry}.${mac.slice(0, -1)}%`,
      ` ${token}`,
      `${token} `,
      `${token}\n`,
      token.replace(/\./g, "%2E"),
      `${consumerId}.${expiry}.${mac}`.replace("con_", "con_\u0130"), // non-ASCII
    ];
    for (const text of malformed) expect(parsePortalToken(text), JSON.stringify(text)).toBeNull();

    // Far longer than any token: refused without trying (the pattern is not even run).
    const started = performance.now();
    for (const text of [`${token}${"A".repeat(100_000)}`, `${consumerId}.${"1".repeat(100_000)}.${mac}`, "con_".repeat(50_000), ".".repeat(100_000)]) {
      expect(parsePortalToken(text)).toBeNull();
    }
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("parseAllowedOrigin", () => {
  it("accepts an origin as frame-ancestors reads it, normalised", () => {
    expect(parseAllowedOrigin("https://a.example.com")).toBe("https://a.example.com");
    expect(parseAllowedOrigin("https://a.example.com/")).toBe("https://a.example.com");
    expect(parseAllowedOrigin("http://127.0.0.1:8080")).toBe("http://127.0.0.1:8080");
    expect(parseAllowedOrigin("http://127.0.0.1:8080/")).toBe("http://127.0.0.1:8080");
    expect(parseAllowedOrigin("https://*.example.com")).toBe("https://*.example.com");
    expect(parseAllowedOrigin("https://*.example.com/")).toBe("https://*.example.com");
    expect(parseAllowedOrigin("http://localhost:3000")).toBe("http://localhost:3000");
    expect(parseAllowedOrigin("HTTPS://App.Example.COM")).toBe("https://app.example.com");
  });

  it("refuses anything that is not exactly an origin", () => {
    const refused = [
      "",
      "*",
      "'self'",
      "'none'",
      "a.example.com",
      "//a.example.com",
      "https://",
      "https://a.example.com/path",
      "https://a.example.com/path/",
      "https://a.example.com//",
      "https://a.example.com?x=1",
      "https://a.example.com/?x=1",
      "https://a.example.com?",
      "https://a.example.com#top",
      "https://user@a.example.com",
      "https://user:secret@a.example.com",
      "javascript:alert(1)",
      "javascript://a.example.com",
      "data:text/html,hi",
      "ftp://a.example.com",
      "ws://a.example.com",
      "file:///etc/passwd",
      "https://a.example.com:99999",
      "https://a.example.com\\",
      "https://a b.example.com",
    ];
    for (const text of refused) expect(parseAllowedOrigin(text), JSON.stringify(text)).toBeNull();
  });

  it("refuses quotes, semicolons and other text that would change the CSP header it goes into", () => {
    // Each of these parses as a URL whose host keeps the character, so the "origin" would go
    // into `frame-ancestors` as is: a `;` ends the directive and starts another one.
    const smuggling = [
      "https://a.example.com;",
      "https://a.example.com;script-src",
      "https://a;b.example.com",
      "https://a.example.com'",
      "https://'self'",
      "https://'unsafe-inline'",
      'https://a.example.com"',
      "https://a.example.com,https://b.example.com",
    ];
    for (const text of smuggling) expect(parseAllowedOrigin(text), JSON.stringify(text)).toBeNull();
  });

  it("allows a wildcard only for the subdomains of a domain with two labels or more", () => {
    expect(parseAllowedOrigin("https://*.example.com")).toBe("https://*.example.com");
    for (const text of ["https://*", "http://*", "https://*.com", "https://*.*.example.com", "https://a.*.example.com"]) {
      expect(parseAllowedOrigin(text), JSON.stringify(text)).toBeNull();
    }
  });
});

describe("portalSettingsFormSchema", () => {
  const valid = { brandName: "Acme", accentColor: "#4F46E5", logoUrl: "https://cdn.example.com/logo.png", allowedOrigins: "" };
  const parse = (input: Partial<typeof valid>) => portalSettingsFormSchema.safeParse({ ...valid, ...input });
  const messages = (input: Partial<typeof valid>) => {
    const result = parse(input);
    expect(result.success, JSON.stringify(input)).toBe(false);
    return result.error!.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  };

  it("parses the form: origins split on spaces, commas and lines, normalised and deduplicated; colour lower-cased", () => {
    const result = parse({ allowedOrigins: "https://a.example.com/\nhttp://127.0.0.1:8080, https://*.example.com  https://A.example.com" });
    expect(result.success).toBe(true);
    expect(result.data).toEqual({
      brandName: "Acme",
      accentColor: "#4f46e5",
      logoUrl: "https://cdn.example.com/logo.png",
      allowedOrigins: ["https://a.example.com", "http://127.0.0.1:8080", "https://*.example.com"],
    });
  });

  it("clears a setting left empty", () => {
    expect(portalSettingsFormSchema.parse({ brandName: "", accentColor: "", logoUrl: "", allowedOrigins: "" })).toEqual({
      brandName: null,
      accentColor: null,
      logoUrl: null,
      allowedOrigins: [],
    });
    expect(parse({ brandName: "   " }).data?.brandName).toBeNull();
  });

  it(`takes at most ${MAX_ALLOWED_ORIGINS} origins`, () => {
    const origins = (n: number) => Array.from({ length: n }, (_, i) => `https://app${i}.example.com`).join(" ");
    expect(MAX_ALLOWED_ORIGINS).toBe(20);
    expect(parse({ allowedOrigins: origins(20) }).data?.allowedOrigins).toHaveLength(20);
    expect(messages({ allowedOrigins: origins(21) })).toEqual([{ path: "allowedOrigins", message: expect.stringMatching(/20/) }]);
  });

  it("names the entry that is not an origin", () => {
    for (const bad of ["https://a.example.com/path", "*", "javascript:alert(1)", "ftp://a.example.com", "https://user@a.example.com"]) {
      expect(messages({ allowedOrigins: `https://ok.example.com ${bad}` }), bad).toEqual([{ path: "allowedOrigins", message: expect.stringContaining(bad) }]);
    }
  });

  it("refuses a colour that is not #rrggbb", () => {
    for (const colour of ["red", "#fff", "#12345g", "4f46e5", "#4f46e5ff", "#4f46e5;", "rgb(0,0,0)"]) {
      expect(messages({ accentColor: colour }), colour).toEqual([{ path: "accentColor", message: expect.stringMatching(/colour/i) }]);
    }
  });

  it("refuses an accent colour white text is not readable on (WCAG AA, 4.5:1)", () => {
    expect(contrastWithWhite("#000000")).toBeCloseTo(21, 5);
    expect(contrastWithWhite("#ffffff")).toBeCloseTo(1, 5);
    expect(contrastWithWhite("#767676")).toBeCloseTo(4.54, 2);
    for (const colour of ["#ffff00", "#ff0000", "#777777", "#a5b4fc"]) {
      expect(messages({ accentColor: colour }), colour).toEqual([{ path: "accentColor", message: expect.stringMatching(/dark enough for white text/) }]);
    }
    for (const colour of ["#4f46e5", "#000000", "#767676", "#0F766E"]) expect(parse({ accentColor: colour }).success, colour).toBe(true);
  });

  it("refuses a logo URL that is not http(s)", () => {
    for (const logoUrl of ["javascript:alert(1)", "data:image/png;base64,AAAA", "ftp://cdn.example.com/logo.png", "//cdn.example.com/logo.png", "/logo.png", "logo.png", "https://"]) {
      expect(messages({ logoUrl }), logoUrl).toEqual([{ path: "logoUrl", message: expect.stringMatching(/http/i) }]);
    }
    expect(parse({ logoUrl: "http://cdn.example.com/logo.png" }).success).toBe(true);
  });

  it("refuses a logo URL or an origin that would change the portal's CSP header", () => {
    // The logo's origin goes into the portal pages' img-src, the origins into frame-ancestors.
    for (const logoUrl of ["https://cdn.example.com;script-src/logo.png", "https://'self'/logo.png", 'https://cdn"example.com/logo.png']) {
      expect(parse({ logoUrl }).success, logoUrl).toBe(false);
    }
    for (const origin of ["https://a.example.com;script-src", "https://'self'"]) {
      expect(parse({ allowedOrigins: `https://ok.example.com ${origin}` }).success, origin).toBe(false);
    }
  });

  it("refuses a brand name that is too long or holds NUL", () => {
    expect(messages({ brandName: "x".repeat(61) })).toEqual([{ path: "brandName", message: expect.stringMatching(/60/) }]);
    expect(messages({ brandName: "a\u0000b" })).toEqual([{ path: "brandName", message: expect.stringMatching(/NUL/) }]);
  });
});
