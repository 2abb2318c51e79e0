import { z } from "zod";
import { env } from "../env";
import { checkAddress, parseIp, type Cidr } from "../webhooks/ssrf-guard";

export const MAX_URL_LENGTH = 2048;

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
  .string({ error: "URL is required" })
  .trim()
  .superRefine((text, ctx) => {
    const problem = endpointUrlProblem(text, env.HOOKLINE_ALLOWED_CIDRS);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const createEndpointSchema = z.object({
  name: z.string({ error: "Name is required" }).trim().min(1, "Name is required").max(100, "Name must be at most 100 characters"),
  url: endpointUrl,
  description: z.string().trim().max(500, "Description must be at most 500 characters").default(""),
});

export type CreateEndpointInput = z.infer<typeof createEndpointSchema>;
