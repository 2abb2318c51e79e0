// Which body limit applies where (lib/api/body-limits.ts), and Next's own limits agree with it.
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ANONYMOUS_BODY_BYTES, FORM_MAX_BODY_BYTES, INBOX_MAX_REQUEST_BYTES, MAX_BODY_BYTES, requestBodyLimit } from "@/lib/api/body-limits";
import { INBOX_MAX_BODY } from "@/lib/inbox/queries";
import { MAX_EVENT_DATA_BYTES } from "@/lib/validations/event";

const nextConfig = createRequire(import.meta.url)(path.resolve(__dirname, "../../next.config.js")) as {
  experimental: { serverActions: { bodySizeLimit: string }; proxyClientMaxBodySize: string };
};
const bytes = (size: string) => {
  const match = /^(\d+)(kb|mb)$/.exec(size);
  if (!match) throw new Error(`unexpected size ${size}`);
  return Number(match[1]) * (match[2] === "kb" ? 1024 : 1024 * 1024);
};

describe("request body limits", () => {
  it("by path: the REST API, the inbox, the anonymous forms, and everything else (forms)", () => {
    expect(requestBodyLimit("/api/v1/events")).toBe(MAX_BODY_BYTES);
    expect(requestBodyLimit("/api/v1/endpoints/ep_1/recover")).toBe(MAX_BODY_BYTES);
    expect(requestBodyLimit("/api/inbox/abc")).toBe(INBOX_MAX_REQUEST_BYTES);
    expect(requestBodyLimit("/endpoints")).toBe(FORM_MAX_BODY_BYTES);
    expect(requestBodyLimit("/sign-in")).toBe(ANONYMOUS_BODY_BYTES);
    expect(requestBodyLimit("/sign-up")).toBe(ANONYMOUS_BODY_BYTES);
    expect(requestBodyLimit("/api/v1")).toBe(MAX_BODY_BYTES);
    expect(requestBodyLimit("/api/v1x")).toBe(FORM_MAX_BODY_BYTES);
  });

  it("each holds what its route accepts", () => {
    expect(MAX_BODY_BYTES).toBeGreaterThan(MAX_EVENT_DATA_BYTES);
    expect(INBOX_MAX_REQUEST_BYTES).toBeGreaterThan(INBOX_MAX_BODY);
    // A form carries event or schedule data of up to 256 KiB, with other fields.
    expect(FORM_MAX_BODY_BYTES).toBeGreaterThan(MAX_EVENT_DATA_BYTES);
  });

  it("next.config.js: server actions take what the server lets through, and Next's proxy copy holds the largest body", () => {
    expect(bytes(nextConfig.experimental.serverActions.bodySizeLimit)).toBe(FORM_MAX_BODY_BYTES);
    expect(bytes(nextConfig.experimental.proxyClientMaxBodySize)).toBeGreaterThanOrEqual(Math.max(MAX_BODY_BYTES, INBOX_MAX_REQUEST_BYTES, FORM_MAX_BODY_BYTES));
  });
});
