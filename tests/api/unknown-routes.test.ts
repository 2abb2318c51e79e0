// Issue 10 / SPEC §6: an API client never gets Next's HTML pages. A path under /api/v1 that no
// route matches answers 404 problem+json, and a method a route does not implement answers 405
// problem+json with `Allow` listing the route's methods (the documented ones, lib/api/openapi.ts
// ROUTES, which tests/api/openapi.test.ts keeps equal to the route files). Both come after the
// key check, like every API answer; the OpenAPI document, public, needs no key.
import { beforeAll, describe, expect, it } from "vitest";
import { allowHeader, type RouteMethod } from "@/lib/api/http";
import { ROUTES } from "@/lib/api/openapi";
import { expectProblem, newApiClient, startApiServer, stopServersAfterAll, type ApiClient } from "../helpers/api-client";

stopServersAfterAll();

let origin: string;
let api: ApiClient;

beforeAll(async () => {
  ({ origin } = await startApiServer());
  ({ api } = await newApiClient(origin, "routes"));
});

const METHODS: RouteMethod[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/** Each documented path with its methods, `{id}` filled with an id of the right kind. */
function documentedRoutes(): Array<{ path: string; methods: RouteMethod[] }> {
  const byPath = new Map<string, RouteMethod[]>();
  for (const route of ROUTES) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route.method.toUpperCase() as RouteMethod]);
  return [...byPath].map(([path, methods]) => ({ path: path.replace("{id}", "ep_00000000000000000000000000"), methods }));
}

describe("unknown paths under /api/v1", () => {
  it("404 problem+json for every method, not Next's HTML page", async () => {
    for (const [method, path] of [
      ["POST", "/api/v1/subscribers"],
      ["GET", "/api/v1/nope"],
      ["GET", "/api/v1"],
      ["DELETE", "/api/v1/webhooks/42"],
      ["GET", "/api/v1/endpoints/ep_00000000000000000000000000/nope"],
      ["PATCH", "/api/v1/events/msg_0/deliveries/x"],
    ]) {
      const response = await api.call(method, path, method === "GET" || method === "DELETE" ? {} : { json: { name: "x" } });
      expectProblem(response, 404);
      expect(response.text, `${method} ${path}`).not.toMatch(/<html/i);
    }
  });

  it("401 problem+json without a key, as for any API path", async () => {
    const response = await api.call("POST", "/api/v1/subscribers", { key: null, json: { name: "x" } });
    expectProblem(response, 401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });
});

describe("a method a route does not implement", () => {
  it("405 problem+json with Allow, on every documented route", async () => {
    const routes = documentedRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const problems: string[] = [];
    for (const { path, methods } of routes) {
      for (const method of METHODS.filter((candidate) => !methods.includes(candidate))) {
        const response = await api.call(method, path, method === "GET" || method === "DELETE" ? {} : { json: {} });
        const allow = response.headers.get("allow");
        const type = response.headers.get("content-type") ?? "";
        if (response.status !== 405 || !type.startsWith("application/problem+json") || allow !== allowHeader(methods) || response.body?.status !== 405) {
          problems.push(`${method} ${path}: ${response.status} ${type} allow=${allow} ${response.text.slice(0, 120)}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("PUT /api/v1/events: 405, Allow: GET, HEAD, OPTIONS, POST; 401 first without a key", async () => {
    const response = await api.call("PUT", "/api/v1/events", { json: { type: "a", data: {} } });
    expectProblem(response, 405);
    expect(response.headers.get("allow")).toBe("GET, HEAD, OPTIONS, POST");
    expectProblem(await api.call("PUT", "/api/v1/events", { key: null, json: {} }), 401);
  });

  it("OPTIONS lists what the route allows (not the refusals it exports)", async () => {
    const response = await fetch(`${origin}/api/v1/endpoints/ep_00000000000000000000000000`, { method: "OPTIONS" });
    expect(response.status).toBe(204);
    expect(response.headers.get("allow")).toBe("DELETE, GET, HEAD, OPTIONS, PATCH");
  });

  it("the public OpenAPI document answers 405 without asking for a key", async () => {
    const response = await api.call("POST", "/api/v1/openapi.json", { key: null, json: {} });
    expectProblem(response, 405);
    expect(response.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });
});
