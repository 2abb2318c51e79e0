import type { Instrumentation } from "next";

// Runs once when a Next server process starts (never during `next build`).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServerWorker } = await import("./lib/worker/server");
    await startServerWorker();
  }
}

// Errors thrown while rendering a page, running a server action or a route handler, as one JSON
// log line: the route and the error, never the request's headers, cookies or body.
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { logger, pathOnly, requestIdFrom } = await import("./lib/log");
  const header = request.headers["x-request-id"];
  logger.error(
    {
      reqId: requestIdFrom(typeof header === "string" ? header : undefined),
      method: request.method,
      path: pathOnly(request.path),
      route: context.routePath,
      routeType: context.routeType,
      err: error,
    },
    "unexpected error while handling a request",
  );
};
