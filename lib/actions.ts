import "server-only";
import { cookies } from "next/headers";
import type { z } from "zod";
import { requireUser } from "./auth/current-user";
import { throttledMessage } from "./auth/throttle";
import { portalActionThrottle } from "./auth/throttles";
import type { SessionUser } from "./auth/session";
import { FLASH_COOKIE } from "./flash";
import { portalSession, type PortalSession } from "./portal/queries";
import { QuotaExceededError } from "./quotas";

/** What every dashboard form action returns: a form-level error and/or per-field errors. */
export interface ActionState {
  error?: string;
  fieldErrors?: Record<string, string>;
  /** The submitted text fields, so a form shows what the user typed after an error. */
  values?: Record<string, string>;
  message?: string;
}

/** A form's server action as a client component receives it (the account's, or the portal's with its token bound). */
export type FormAction = (previous: ActionState, formData: FormData) => Promise<ActionState>;

const NOT_ECHOED = new Set(["password", "currentPassword", "newPassword"]);

function submittedValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && !key.startsWith("$ACTION") && !NOT_ECHOED.has(key)) values[key] = value;
  }
  return values;
}

export function firstFieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    errors[key] ??= issue.message;
  }
  return errors;
}

/**
 * Wraps a server action: validates the form with `schema`, returns field errors beside the
 * submitted values when it does not parse, else runs `handler` with the parsed data. A create
 * refused by its quota becomes the form's error, shown beside the button that was used.
 * (Redirects thrown by the handler pass through untouched.)
 */
export function validatedAction<S extends z.ZodType>(
  schema: S,
  handler: (data: z.infer<S>, formData: FormData) => Promise<ActionState | void>,
) {
  return async (_previous: ActionState, formData: FormData): Promise<ActionState> => {
    const values = submittedValues(formData);
    const parsed = schema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { fieldErrors: firstFieldErrors(parsed.error), values };
    let result: ActionState | void;
    try {
      result = await handler(parsed.data, formData);
    } catch (error) {
      if (error instanceof QuotaExceededError) return { values, error: error.message };
      throw error;
    }
    return result ? { values, ...result } : {};
  };
}

/** Like validatedAction, for signed-in users only; the handler gets the user. */
export function validatedActionWithUser<S extends z.ZodType>(
  schema: S,
  handler: (data: z.infer<S>, user: SessionUser, formData: FormData) => Promise<ActionState | void>,
) {
  return validatedAction(schema, async (data, formData) => handler(data, await requireUser(), formData));
}

/** What a portal form says once its link has expired or was revoked. */
export const PORTAL_ENDED = "This portal link has expired or was revoked: ask for a new link to continue.";

/**
 * Like validatedAction, for the endpoint portal (SPEC §12): the first argument is the session's
 * token (bound by the portal's page), checked on every call, so a revoked or expired link stops
 * working mid-page; the handler gets the session, whose consumer scopes everything it does.
 * Each call counts against the consumer's HOOKLINE_PORTAL_ACTIONS_PER_MINUTE.
 */
export function validatedPortalAction<S extends z.ZodType>(
  schema: S,
  handler: (data: z.infer<S>, session: PortalSession, formData: FormData) => Promise<ActionState | void>,
) {
  return async (token: string, previous: ActionState, formData: FormData): Promise<ActionState> => {
    const session = await portalSession(token);
    if (!session) return { error: PORTAL_ENDED };
    const wait = await portalActionThrottle.take([`consumer:${session.consumer.id}`], Date.now());
    if (wait > 0) return { error: throttledMessage(wait, "changes from this portal") };
    return validatedAction(schema, (data, form) => handler(data, session, form))(previous, formData);
  };
}

/** Shows `message` as a toast on the page an action redirects to. */
export async function setFlash(message: string): Promise<void> {
  // Next percent-encodes cookie values itself; the toaster decodes once.
  (await cookies()).set(FLASH_COOKIE, message, { path: "/", maxAge: 30, sameSite: "lax", httpOnly: false });
}
