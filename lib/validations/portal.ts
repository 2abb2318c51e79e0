import { z } from "zod";
import { PORTAL_LINK_DEFAULT_SECONDS, PORTAL_LINK_MAX_SECONDS, PORTAL_LINK_MIN_SECONDS } from "../portal/token";
import { withoutNul } from "./text";

const expiresIn = z
  .number({ error: "expiresIn must be a number of seconds" })
  .int("expiresIn must be a whole number of seconds")
  .min(PORTAL_LINK_MIN_SECONDS, `expiresIn must be at least ${PORTAL_LINK_MIN_SECONDS} seconds`)
  .max(PORTAL_LINK_MAX_SECONDS, `expiresIn must be at most ${PORTAL_LINK_MAX_SECONDS} seconds (7 days)`);

/** POST /api/v1/consumers/{uid}/portal-links (SPEC §12); an empty body takes the default hour. */
export const createPortalLinkSchema = z.strictObject({
  expiresIn: expiresIn
    .default(PORTAL_LINK_DEFAULT_SECONDS)
    .describe("Seconds until the link and the sessions opened from it end: 60 to 604800 (7 days), default 3600."),
});

/** The dashboard's "Create portal link" form: the lifetime picked from a list, in seconds. */
export const portalLinkFormSchema = z.object({
  uid: z.string().min(1),
  expiresIn: z.coerce.number().pipe(expiresIn),
});

export const MAX_ALLOWED_ORIGINS = 20;

// What an origin may look like once URL has parsed it: host names, IPv4, bracketed IPv6, a
// port. URL keeps characters like ; ' " in a host, which would end or add a CSP directive.
const SAFE_ORIGIN = /^https?:\/\/(?:\*\.)?(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

/**
 * One origin allowed to embed the portal: `https://app.example.com`, a port if any, no path; a
 * leading `*.` allows every subdomain of a domain with at least two labels (`*.example.com`, not
 * `*.com`), as `frame-ancestors` reads it. What passes is exactly what goes into the CSP header,
 * so nothing else can be smuggled into it.
 */
export function parseAllowedOrigin(text: string): string | null {
  const wildcard = /^(https?:\/\/)\*\.(.+)$/.exec(text);
  let url: URL;
  try {
    url = new URL(wildcard ? `${wildcard[1]}${wildcard[2]}` : text);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  if (url.username || url.password || url.search || url.hash || url.pathname !== "/") return null;
  if (wildcard && !url.hostname.includes(".")) return null;
  const origin = wildcard ? `${url.protocol}//*.${url.host}` : url.origin;
  if (!SAFE_ORIGIN.test(origin)) return null;
  // The text must be the origin itself (a trailing slash aside), not something URL repaired.
  return text.replace(/\/$/, "").toLowerCase() === origin.toLowerCase() ? origin : null;
}

/** Origins separated by spaces, commas or lines: the stored form is space-separated. */
const allowedOrigins = z
  .string()
  .max(4000, "Allowed origins must be at most 4,000 characters")
  .transform((text, ctx) => {
    const entries = text.split(/[\s,]+/).filter(Boolean);
    if (entries.length > MAX_ALLOWED_ORIGINS) {
      ctx.addIssue({ code: "custom", message: `At most ${MAX_ALLOWED_ORIGINS} allowed origins` });
      return z.NEVER;
    }
    const origins: string[] = [];
    for (const entry of entries) {
      const origin = parseAllowedOrigin(entry);
      if (!origin) {
        ctx.addIssue({ code: "custom", message: `${entry.slice(0, 100)} is not an origin: write it as https://app.example.com (a port if any, no path)` });
        return z.NEVER;
      }
      if (!origins.includes(origin)) origins.push(origin);
    }
    return origins;
  });

const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

/** WCAG 2 contrast ratio of white text on the colour `#rrggbb`. */
export function contrastWithWhite(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => {
    const channel = parseInt(hex.slice(at, at + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
}

/** Empty text clears the setting. */
const optionalText = <T extends z.ZodType<string>>(schema: T) => z.union([z.literal("").transform(() => null), schema]);

/** The account's portal settings (SPEC §12), from the Settings page's form. */
export const portalSettingsFormSchema = z.object({
  brandName: optionalText(
    z
      .string()
      .trim()
      .max(60, "Brand name must be at most 60 characters")
      .refine(...withoutNul("Brand name")),
  ).transform((name) => name || null),
  // The portal's primary buttons take it, with white text, which must stay readable (WCAG AA).
  accentColor: optionalText(
    z
      .string()
      .regex(HEX_COLOUR, "Accent colour must be a hex colour like #4f46e5")
      // Only a hex colour has a contrast to judge (zod runs every check, even after one fails).
      .refine((colour) => !HEX_COLOUR.test(colour) || contrastWithWhite(colour) >= 4.5, "Accent colour must be dark enough for white text on it (contrast 4.5:1 or more), like #4f46e5"),
  ).transform((colour) => colour?.toLowerCase() ?? null),
  logoUrl: optionalText(
    z
      .string()
      .max(2048, "Logo URL must be at most 2,048 characters")
      // Its origin goes into the portal's img-src, so it must be a plain origin too.
      .refine((text) => /^https?:\/\//.test(text) && URL.canParse(text) && parseAllowedOrigin(new URL(text).origin) !== null, "Logo URL must be an http or https URL of an image"),
  ),
  allowedOrigins,
});

export type PortalSettingsInput = z.infer<typeof portalSettingsFormSchema>;
