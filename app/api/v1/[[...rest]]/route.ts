// Any path under /api/v1 that no route matches (the routes above are more specific and win):
// an API client gets a 404 problem+json, not Next's HTML not-found page.
import { unknownApiRoutes } from "@/lib/api/http";

export const { GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS } = unknownApiRoutes();
