import { noSuchConsumer } from "@/lib/api/consumer";
import { apiRoute, json, methodNotAllowed, noContent, parseWith, readJson } from "@/lib/api/http";
import { createPortalLink, revokePortalLinks } from "@/lib/portal/queries";
import { publicOrigin } from "@/lib/public-origin";
import { createPortalLinkSchema } from "@/lib/validations/portal";

type Params = { uid: string };

/** A link to the consumer's endpoint portal (SPEC §12); the body is optional. */
export const POST = apiRoute<Params>(async ({ request, userId, params }) => {
  const bodyless = request.headers.get("content-length") === "0" || (!request.headers.has("content-length") && !request.headers.has("transfer-encoding"));
  const input = bodyless ? parseWith(createPortalLinkSchema, {}) : await readJson(request, createPortalLinkSchema);
  const link = await createPortalLink(userId, params.uid, input.expiresIn, publicOrigin(request.headers));
  if (!link) throw noSuchConsumer();
  return json(link, 201);
});

/** Revokes every link of the consumer: the portal sessions opened from them end at once. */
export const DELETE = apiRoute<Params>(async ({ userId, params }) => {
  if (!(await revokePortalLinks(userId, params.uid))) throw noSuchConsumer();
  return noContent();
});

export const { GET, PUT, PATCH, HEAD, OPTIONS } = methodNotAllowed("POST", "DELETE");
