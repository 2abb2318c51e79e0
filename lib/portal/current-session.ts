import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { portalSession, type PortalSession } from "./queries";

/**
 * The portal session a page's token opens, read once per request (layout and page share it), or
 * the portal's 404 page: an expired, revoked or tampered link shows exactly what a foreign id does.
 */
export const requirePortalSession = cache(async (token: string): Promise<PortalSession> => {
  const session = await portalSession(token);
  if (!session) notFound();
  return session;
});

/** The session or null, for the layout (which must not 404 itself: its not-found page is inside it). */
export const currentPortalSession = cache((token: string): Promise<PortalSession | null> => portalSession(token));
