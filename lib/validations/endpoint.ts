import { z } from "zod";
import { splitEventTypes } from "./filter-text";
import { displayName, withoutNul } from "./text";
import { env } from "../env";
import { isOwnInboxUrl } from "../inbox/own-inbox";
import { checkAddress, parseIp, type Cidr } from "../webhooks/ssrf-guard";
import { ORDERINGS } from "../events/ordering";
import { consumerUid } from "./consumer";

export const MAX_URL_LENGTH = 2048;
export const MAX_EVENT_TYPE_FILTERS = 50;
export const MAX_CUSTOM_HEADERS = 20;

/**
 * Why `text` cannot be an endpoint URL, or null when it can. Pure: the SSRF allow-list is
 * passed in. IP literals are checked here; host names are checked when delivering, because
 * what they resolve to can change.
 */
export function endpointUrlProblem(text: string, allowedCidrs: Cidr[]): string | null {
  if (text.length === 0) return "URL is required";
  if (text.length > MAX_URL_LENGTH) return `URL must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "Enter an absolute URL starting with https:// or http://";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "URL must start with https:// or http://";
  if (url.username || url.password) return "URL must not contain a user name or password";
  if (!url.hostname) return "URL must include a host";
  if (parseIp(url.hostname)) {
    const verdict = checkAddress(url.hostname, allowedCidrs);
    if (!verdict.allowed) return `URL points to a disallowed address: ${verdict.reason}`;
  }
  return null;
}

export const endpointUrl = z
  .string({ error: "URL must be a string" })
  .trim()
  .superRefine((text, ctx) => {
    if (isOwnInboxUrl(text, env.HOOKLINE_PUBLIC_URL, env.PORT)) return;
    const problem = endpointUrlProblem(text, env.HOOKLINE_ALLOWED_CIDRS);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

const FILTER_PATTERN = /^(?:[a-zA-Z0-9_.-]{1,128}|[a-zA-Z0-9_.-]{1,126}\.\*)$/;

/** Event types the endpoint receives: exact types or prefix wildcards (`order.*`); empty = all. */
export const eventTypeFilters = z
  .array(z.string().regex(FILTER_PATTERN, "Each filter is an event type (order.created) or a prefix wildcard (order.*)"), {
    error: "eventTypes must be an array of strings",
  })
  .max(MAX_EVENT_TYPE_FILTERS, `At most ${MAX_EVENT_TYPE_FILTERS} filters`)
  .transform((filters) => [...new Set(filters)]);

/** Headers the delivery contract owns, or that only the HTTP connection may set. */
export const RESERVED_HEADERS = new Set([
  "connection",
  "content-length",
  "content-type",
  "host",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "user-agent",
  "webhook-id",
  "webhook-signature",
  "webhook-timestamp",
]);

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;

/** Extra request headers sent with every delivery, e.g. `{"x-tenant": "acme"}`. */
export const customHeaders = z
  .record(z.string(), z.string({ error: "Header values must be strings" }), { error: "headers must be an object of strings" })
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_CUSTOM_HEADERS) ctx.addIssue({ code: "custom", message: `At most ${MAX_CUSTOM_HEADERS} headers` });
    const seen = new Set<string>();
    for (const name of names) {
      const lower = name.toLowerCase();
      const value = headers[name];
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: "custom", path: [name], message: "Not a valid header name" });
      else if (RESERVED_HEADERS.has(lower)) ctx.addIssue({ code: "custom", path: [name], message: `${lower} is set by Hookline and cannot be overridden` });
      else if (seen.has(lower)) ctx.addIssue({ code: "custom", path: [name], message: "Header names must be unique regardless of case" });
      if (value.length > 1000) ctx.addIssue({ code: "custom", path: [name], message: "Header values must be at most 1000 characters" });
      else if (/[\r\n\0]/.test(value)) ctx.addIssue({ code: "custom", path: [name], message: "Header values must not contain line breaks" });
      seen.add(lower);
    }
  });

/** SPEC §11: `fifo` delivers one event at a time per ordering key, in order (lib/store/fifo.ts). */
export const ordering = z.enum(ORDERINGS, { error: 'ordering must be "unordered" or "fifo"' });

const name = displayName;
const description = z
  .string({ error: "Description must be a string" })
  .trim()
  .max(500, "Description must be at most 500 characters")
  .refine(...withoutNul("Description"));

/** The dashboard's "Add endpoint" form (its other settings are edited on the endpoint page). */
export const createEndpointSchema = z.object({ name, url: endpointUrl, description: description.default("") });

/**
 * The API's create body. `destination` is accepted as an alias of `url`, so the classic
 * `{"name": "joe", "destination": "https://…"}` works. Unknown fields are refused.
 */
export const createEndpointApiSchema = z
  .strictObject({
    name,
    url: endpointUrl.optional(),
    destination: endpointUrl.optional().describe("Alias of `url`."),
    description: description.optional(),
    enabled: z.boolean({ error: "enabled must be true or false" }).optional(),
    eventTypes: eventTypeFilters.optional(),
    headers: customHeaders.optional(),
    ordering: ordering.optional(),
    consumer: consumerUid.nullable().optional().describe("The uid of the consumer it belongs to (SPEC §12); null or absent: an account-level endpoint."),
  })
  .superRefine((body, ctx) => {
    if (body.url === undefined && body.destination === undefined) ctx.addIssue({ code: "custom", path: ["url"], message: "URL is required" });
    if (body.url !== undefined && body.destination !== undefined) {
      ctx.addIssue({ code: "custom", path: ["destination"], message: "Send url or destination, not both" });
    }
  })
  .transform(({ destination, url, ...rest }) => ({ ...rest, url: (url ?? destination)!, description: rest.description ?? "" }));

/** PATCH body: any subset of the settable fields. */
export const updateEndpointSchema = z.strictObject({
  name: name.optional(),
  url: endpointUrl.optional(),
  description: description.optional(),
  enabled: z.boolean({ error: "enabled must be true or false" }).optional(),
  eventTypes: eventTypeFilters.optional(),
  headers: customHeaders.optional(),
  ordering: ordering.optional(),
  consumer: consumerUid.nullable().optional().describe("Move it to this consumer (its uid), or to the account with null."),
});

export const recoverSchema = z.strictObject({
  since: z.iso.datetime({ offset: true, error: "since must be an ISO 8601 date-time, e.g. 2026-11-28T00:00:00Z" }),
});

export type CreateEndpointInput = z.infer<typeof createEndpointSchema> & {
  enabled?: boolean;
  eventTypes?: string[];
  headers?: Record<string, string>;
  ordering?: "unordered" | "fifo";
  /** The consumer it belongs to (its id, resolved from the API's uid); null: the account's own. */
  consumerId?: string | null;
};
export type UpdateEndpointInput = Omit<z.infer<typeof updateEndpointSchema>, "consumer"> & { consumerId?: string | null };

/** "X-Tenant: acme" lines → {"X-Tenant": "acme"}; malformed lines are reported by line number. */
export const headerLines = z.string().transform((text, ctx) => {
  const headers: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    const colon = line.indexOf(":");
    if (colon <= 0) {
      ctx.addIssue({ code: "custom", message: `Line ${index + 1}: write each header as "Name: value"` });
      return;
    }
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  });
  return headers;
});

/** The endpoint page's settings form: the API's update fields, as form text. */
export const endpointSettingsFormSchema = z.object({
  name,
  url: endpointUrl,
  description,
  eventTypes: z.string().transform(splitEventTypes).pipe(eventTypeFilters),
  headers: headerLines.pipe(customHeaders),
  // Absent: unchanged (a form without the field must not switch a FIFO endpoint back).
  ordering: ordering.optional(),
  // The Consumer select: "" for an account-level endpoint, else a consumer's uid; absent: unchanged.
  consumer: z.union([z.literal(""), consumerUid]).optional(),
});

/** The endpoint page's "Recover" form: a datetime-local value, read as UTC. */
export const recoverFormSchema = z.object({
  since: z
    .string()
    .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/, "Choose a date and time")
    .transform((text) => new Date(`${text}Z`).toISOString()),
});
