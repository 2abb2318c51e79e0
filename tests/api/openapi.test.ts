// SPEC §6: the OpenAPI 3.1 document is served at /api/v1/openapi.json. It must be a valid
// OpenAPI document (checked by a real validator), and it must describe every route that exists
// under app/api/v1 (and no route that does not), with the request schemas the routes really
// validate with: a new route or body without documentation fails here.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { compileErrors, validate } from "@readme/openapi-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "@/lib/api/openapi";
import { ROOT, startServer, stopServersAfterAll, type RunningServer } from "../helpers/server";

const API_DIR = path.join(ROOT, "app/api/v1");

type JsonObject = Record<string, unknown>;
interface OpenApiOperation {
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonObject }> };
  parameters?: Array<{ name: string; in: string }>;
  responses: Record<string, { content?: Record<string, { schema?: JsonObject }> }>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, JsonObject> };
}

interface RouteFile {
  file: string;
  /** `/api/v1/endpoints/[id]` as in the file tree. */
  dir: string;
  /** `/api/v1/endpoints/{id}` */
  path: string;
  source: string;
  /** Exported HTTP method → the source of its handler. */
  handlers: Map<string, string>;
}

function routeFiles(dir = API_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === "route.ts" ? [full] : [];
  });
}

/** Each route.ts under app/api/v1 with its URL path and exported HTTP method handlers. */
function discoverRoutes(): RouteFile[] {
  return routeFiles()
    .map((file) => {
      const relative = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep).join("/");
      const dir = `/${relative}`;
      const urlPath = `/${relative}`.replace(/\[(\w+)\]/g, "{$1}");
      const source = readFileSync(file, "utf8");
      const handlers = new Map<string, string>();
      const exportPattern = /^export\s+(?:const\s+|async\s+function\s+|function\s+)(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/gm;
      const starts = [...source.matchAll(exportPattern)];
      starts.forEach((match, index) => {
        const end = index + 1 < starts.length ? starts[index + 1].index : source.length;
        handlers.set(match[1], source.slice(match.index, end));
      });
      return { file: path.relative(ROOT, file), dir, path: urlPath, source, handlers };
    })
    .filter((route) => route.path !== "/api/v1/openapi.json" && !isCatchAll(route));
}

/** app/api/v1/[[...rest]]: not an API route but the 404 answer for paths no route matches. */
const isCatchAll = (route: { dir: string }) => route.dir.includes("[...") || route.dir.includes("[[...");

/** The module a route file imports `name` from, as an absolute path. */
function importedFrom(route: RouteFile, name: string): string {
  const imports = [...route.source.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)];
  const found = imports.find(([, names]) => names.split(",").some((part) => part.trim().split(/\s+as\s+/).pop() === name));
  if (!found) throw new Error(`${route.file}: ${name} is not imported by name`);
  return found[2].startsWith("@/") ? path.join(ROOT, found[2].slice(2)) : path.resolve(path.dirname(path.join(ROOT, route.file)), found[2]);
}

async function importedValue(route: RouteFile, name: string): Promise<unknown> {
  const exports = (await import(/* @vite-ignore */ importedFrom(route, name))) as Record<string, unknown>;
  return exports[name];
}

let server: RunningServer;
let document: OpenApiDocument;
let response: Response;

beforeAll(async () => {
  server = await startServer();
  response = await fetch(`${server.origin}/api/v1/openapi.json`);
  document = (await response.clone().json()) as OpenApiDocument;
});

stopServersAfterAll();

describe("GET /api/v1/openapi.json", () => {
  it("is served as JSON without an API key", () => {
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json\b/);
    expect(document.openapi).toBe("3.1.0");
  });

  it("is a valid OpenAPI 3.1 document (@readme/openapi-parser)", async () => {
    // validate() dereferences in place: give it a copy.
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? "" : compileErrors(result)).toBe("");
    expect(result.valid).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it("the validator does reject a broken copy (control)", async () => {
    const broken = structuredClone(document) as unknown as { paths: Record<string, Record<string, { responses?: unknown }>> };
    delete broken.paths["/api/v1/events"].post.responses;
    (broken as unknown as JsonObject).info = { title: 42 };
    const result = await validate(broken as never);
    expect(result.valid).toBe(false);
  });
});

describe("route coverage: the document and app/api/v1 describe the same API", () => {
  const routes = discoverRoutes();

  it("finds the route files (sanity)", () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
    expect(routes.map((route) => route.path)).toContain("/api/v1/endpoints/{id}/rotate-secret");
    for (const route of routes) expect(route.handlers.size, `${route.file} exports no HTTP method`).toBeGreaterThan(0);
  });

  it("every route answers its other methods with 405 problem+json (methodNotAllowed naming exactly its own handlers)", () => {
    const problems: string[] = [];
    for (const route of routes) {
      const own = [...route.handlers.keys()];
      const refusal = /^export const \{ ([A-Z, ]+) \} = methodNotAllowed\(([^)]*)\);$/m.exec(route.source);
      if (!refusal) {
        problems.push(`${route.file}: no \`export const { … } = methodNotAllowed(…)\``);
        continue;
      }
      const named = [...refusal[2].matchAll(/"([A-Z]+)"/g)].map((match) => match[1]);
      const others = ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((method) => !own.includes(method));
      const expected = [...others, ...(own.includes("GET") ? [] : ["HEAD"]), "OPTIONS"];
      if (named.sort().join() !== own.sort().join()) problems.push(`${route.file}: methodNotAllowed(${named.join(", ")}) but exports ${own.join(", ")}`);
      if (refusal[1].split(", ").sort().join() !== expected.sort().join()) problems.push(`${route.file}: refuses ${refusal[1]}, should refuse ${expected.join(", ")}`);
    }
    expect(problems).toEqual([]);
  });

  it("documents every exported method of every route", () => {
    const missing: string[] = [];
    for (const route of routes) {
      for (const method of route.handlers.keys()) {
        if (!document.paths[route.path]?.[method.toLowerCase()]) missing.push(`${method} ${route.path} (${route.file})`);
      }
    }
    expect(missing, "routes without an OpenAPI operation (add them to ROUTES in lib/api/openapi.ts)").toEqual([]);
  });

  it("documents no operation that has no route", () => {
    const byPath = new Map(routes.map((route) => [route.path, route]));
    const phantom: string[] = [];
    for (const [urlPath, operations] of Object.entries(document.paths)) {
      for (const method of Object.keys(operations)) {
        if (!byPath.get(urlPath)?.handlers.has(method.toUpperCase())) phantom.push(`${method.toUpperCase()} ${urlPath}`);
      }
    }
    expect(phantom, "documented operations without a route handler").toEqual([]);
  });

  it("ROUTES and the served document list the same operations", () => {
    const fromRoutes = ROUTES.map((route) => `${route.method} ${route.path}`).sort();
    const served = Object.entries(document.paths)
      .flatMap(([urlPath, operations]) => Object.keys(operations).map((method) => `${method} ${urlPath}`))
      .sort();
    expect(served).toEqual(fromRoutes);
  });

  it("every documented operation with a body in ROUTES has a JSON requestBody schema", () => {
    const withBody = ROUTES.filter((route) => route.body);
    expect(withBody.length).toBeGreaterThanOrEqual(4);
    for (const route of withBody) {
      expect(["post", "patch", "put"], `${route.method} ${route.path} has a body`).toContain(route.method);
      const operation = document.paths[route.path][route.method];
      const schema = operation.requestBody?.content?.["application/json"]?.schema;
      expect(operation.requestBody?.required, `${route.method} ${route.path}`).toBe(true);
      expect(schema, `${route.method} ${route.path} requestBody schema`).toMatchObject({ type: "object" });
      expect(Object.keys((schema?.properties as JsonObject | undefined) ?? {}).length, `${route.method} ${route.path} properties`).toBeGreaterThan(0);
    }
  });

  it("every handler that reads a JSON body is documented with that very schema", async () => {
    const problems: string[] = [];
    for (const route of routes) {
      for (const [method, handler] of route.handlers) {
        const doc = ROUTES.find((entry) => entry.path === route.path && entry.method === method.toLowerCase());
        const reads = /readJson\(\s*\w+\s*,\s*(\w+)\s*\)/.exec(handler);
        if (!reads) {
          if (doc?.body) problems.push(`${method} ${route.path}: documented with a body but reads none`);
          continue;
        }
        if (!doc?.body) {
          problems.push(`${method} ${route.path}: reads a body with ${reads[1]} but ROUTES has no body`);
          continue;
        }
        if ((await importedValue(route, reads[1])) !== doc.body) problems.push(`${method} ${route.path}: validates with ${reads[1]}, documents another schema`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("every handler that reads query parameters documents them, with the schema it validates with", async () => {
    const problems: string[] = [];
    for (const route of routes) {
      for (const [method, handler] of route.handlers) {
        const doc = ROUTES.find((entry) => entry.path === route.path && entry.method === method.toLowerCase());
        const reads = /parseWith\(\s*(\w+)\s*,\s*queryOf\(/.exec(handler);
        if (!reads) {
          if (/queryOf\(/.test(handler)) problems.push(`${method} ${route.path}: reads the query without a schema`);
          continue;
        }
        if (doc?.query === undefined || (await importedValue(route, reads[1])) !== doc.query) {
          problems.push(`${method} ${route.path}: validates the query with ${reads[1]}, which ROUTES does not document`);
          continue;
        }
        const documented = (document.paths[route.path][method.toLowerCase()].parameters ?? []).filter((p) => p.in === "query").map((p) => p.name);
        expect(documented.sort(), `${method} ${route.path} query parameters`).toEqual(Object.keys(doc.query.shape).sort());
      }
    }
    expect(problems).toEqual([]);
  });

  it("every operation documents its success response and problem+json errors", () => {
    for (const [urlPath, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const statuses = Object.keys(operation.responses);
        const success = statuses.filter((status) => status.startsWith("2"));
        expect(success, `${method} ${urlPath}`).toHaveLength(1);
        if (success[0] !== "204") expect(operation.responses[success[0]].content?.["application/json"]?.schema, `${method} ${urlPath} response`).toBeDefined();
        expect(statuses, `${method} ${urlPath}`).toEqual(expect.arrayContaining(["401", "429"]));
        for (const status of statuses.filter((s) => /^[45]/.test(s))) {
          expect(operation.responses[status].content?.["application/problem+json"]?.schema, `${method} ${urlPath} ${status}`).toEqual({ $ref: "#/components/schemas/Problem" });
        }
        if (urlPath.includes("{id}")) expect(operation.parameters, `${method} ${urlPath}`).toContainEqual(expect.objectContaining({ name: "id", in: "path", required: true }));
      }
    }
    expect(document.components.schemas.Problem).toMatchObject({ required: expect.arrayContaining(["status", "title", "detail"]) });
  });
});

describe("spot checks", () => {
  const body = (urlPath: string, method: string) => document.paths[urlPath][method].requestBody?.content?.["application/json"]?.schema as JsonObject;

  it("POST /api/v1/endpoints takes name, url and destination (its alias)", () => {
    const schema = body("/api/v1/endpoints", "post");
    expect(Object.keys(schema.properties as JsonObject)).toEqual(expect.arrayContaining(["name", "url", "destination", "description", "enabled", "eventTypes", "headers"]));
    expect(schema.required).toContain("name");
    // Unknown fields are refused by the API, and the document says so.
    expect(schema.additionalProperties).toBe(false);
  });

  it("POST /api/v1/events requires type and data", () => {
    const schema = body("/api/v1/events", "post");
    expect(schema.required).toEqual(expect.arrayContaining(["type", "data"]));
    expect(Object.keys(schema.properties as JsonObject)).toEqual(expect.arrayContaining(["type", "data", "idempotencyKey"]));
    expect(schema.required).not.toContain("idempotencyKey");
  });

  it("POST /api/v1/endpoints/{id}/recover requires since", () => {
    expect(body("/api/v1/endpoints/{id}/recover", "post").required).toEqual(["since"]);
  });

  it("responses use the contract's field names (SPEC §6)", () => {
    const response = (urlPath: string, method: string, status: string) =>
      document.paths[urlPath][method].responses[status].content!["application/json"].schema as { properties: JsonObject };
    expect(Object.keys(response("/api/v1/endpoints", "post", "201").properties)).toEqual(
      expect.arrayContaining(["id", "name", "url", "description", "enabled", "eventTypes", "headers", "secret", "disabledReason", "createdAt"]),
    );
    expect(Object.keys(response("/api/v1/events", "post", "202").properties)).toEqual(expect.arrayContaining(["id", "type", "createdAt", "deliveries"]));
    expect(Object.keys(response("/api/v1/deliveries/{id}/retry", "post", "202").properties)).toEqual(
      expect.arrayContaining(["id", "eventId", "endpointId", "status", "attempts", "nextAttemptAt", "lastStatusCode", "lastError", "createdAt"]),
    );
  });
});
