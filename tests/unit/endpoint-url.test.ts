import { describe, expect, it } from "vitest";
import { endpointUrlProblem, MAX_URL_LENGTH } from "@/lib/validations/endpoint";
import { parseCidrList } from "@/lib/webhooks/ssrf-guard";

const none = parseCidrList("");

describe("endpointUrlProblem", () => {
  it.each([
    "https://example.com/hook",
    "http://example.com:8080/x?y=1",
    "https://hooks.example.com/a/b/c#frag",
    "https://8.8.8.8/hook",
    "https://[2606:4700:4700::1111]/hook",
    // Host names are checked at delivery time, not here.
    "http://localhost:3000/hook",
  ])("accepts %s", (url) => {
    expect(endpointUrlProblem(url, none)).toBeNull();
  });

  it.each([
    ["", /required/i],
    ["example.com", /absolute URL/i],
    ["/relative/path", /absolute URL/i],
    ["ftp://example.com", /https?:\/\//],
    ["javascript:alert(1)", /https?:\/\//],
    ["file:///etc/passwd", /https?:\/\//],
    ["data:text/plain,hi", /https?:\/\//],
    ["https://user:pass@example.com", /user name or password/i],
    ["https://user@example.com", /user name or password/i],
    ["https://:secret@example.com", /user name or password/i],
  ])("rejects %j", (url, message) => {
    const problem = endpointUrlProblem(url, none);
    expect(problem).not.toBeNull();
    expect(problem).toMatch(message);
  });

  it("limits the length to 2048 characters", () => {
    expect(MAX_URL_LENGTH).toBe(2048);
    const prefix = "https://example.com/";
    const exact = prefix + "a".repeat(2048 - prefix.length);
    expect(exact).toHaveLength(2048);
    expect(endpointUrlProblem(exact, none)).toBeNull();
    expect(endpointUrlProblem(exact + "a", none)).toMatch(/at most 2048 characters/);
    expect(endpointUrlProblem(prefix + "a".repeat(3000 - prefix.length), none)).toMatch(/at most 2048 characters/);
  });

  it.each([
    ["http://127.0.0.1/x", /disallowed address.*loopback/],
    ["http://[::1]/x", /disallowed address.*loopback/],
    ["http://169.254.169.254/latest", /disallowed address.*link-local/],
    ["http://10.0.0.5/", /disallowed address.*private/],
    ["http://192.168.1.1:8443/", /disallowed address.*private/],
    ["http://0.0.0.0/", /disallowed address.*unspecified/],
    ["http://[::ffff:127.0.0.1]/", /disallowed address.*loopback/],
    ["http://[fe80::1]/", /disallowed address.*link-local/],
    // Alternative spellings that the URL parser normalises to 127.0.0.1.
    ["http://2130706433/", /disallowed address.*loopback/],
    ["http://0x7f.1/", /disallowed address.*loopback/],
    ["http://127.1/", /disallowed address.*loopback/],
  ])("refuses the internal IP literal in %s", (url, message) => {
    expect(endpointUrlProblem(url, none)).toMatch(message);
  });

  it("lets an allowed range through, and only that range", () => {
    const allowed = parseCidrList("127.0.0.0/8");
    expect(endpointUrlProblem("http://127.0.0.1:9000/x", none)).not.toBeNull();
    expect(endpointUrlProblem("http://127.0.0.1:9000/x", allowed)).toBeNull();
    expect(endpointUrlProblem("http://10.0.0.5/", allowed)).toMatch(/disallowed address/);
    expect(endpointUrlProblem("http://[::1]/x", allowed)).toMatch(/disallowed address/);
    expect(endpointUrlProblem("http://[::1]/x", parseCidrList("::1/128"))).toBeNull();
  });
});
