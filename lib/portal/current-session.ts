import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { eventTypeNames } from "../event-types/queries";
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

/** The account's event-type catalog, read once per request (the layout and the endpoint page both show it). */
export const portalCatalog = cache((userId: string) => eventTypeNames(userId));
