import type { Metadata } from "next";
import { openApiDocument } from "@/lib/api/openapi";

export const metadata: Metadata = { title: "API reference" };

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  description?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
};

/** A short type name for a JSON Schema, e.g. `string`, `string[]`, `"a" | "b"`. */
function typeName(schema: JsonSchema | undefined): string {
  if (!schema) return "any";
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  if (schema.anyOf) return schema.anyOf.map(typeName).join(" | ");
  if (schema.type === "array") return `${typeName(schema.items)}[]`;
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  return schema.type ?? "any";
}

function Fields({ schema }: { schema: JsonSchema }) {
  const properties = Object.entries(schema.properties ?? {});
  if (properties.length === 0) return <p className="text-sm text-slate-600">{typeName(schema)}</p>;
  return (
    <table className="w-full text-left text-sm">
      <tbody className="divide-y divide-slate-100">
        {properties.map(([name, field]) => (
          <tr key={name}>
            <td className="py-1 pr-4 align-top font-mono">
              {name}
              {schema.required?.includes(name) && <span className="text-red-700" title="required">*</span>}
            </td>
            <td className="py-1 pr-4 align-top font-mono text-slate-600">{typeName(field)}</td>
            <td className="py-1 align-top text-slate-700">{field.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const METHOD_STYLE: Record<string, string> = {
  get: "bg-sky-100 text-sky-900",
  post: "bg-emerald-100 text-emerald-900",
  patch: "bg-amber-100 text-amber-900",
  delete: "bg-red-100 text-red-900",
};

type Operation = {
  summary: string;
  parameters?: Array<{ name: string; in: string; schema: JsonSchema }>;
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
};

export default function ApiReferencePage() {
  const document = openApiDocument();
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API reference</h1>
        <p className="mt-1 max-w-3xl text-sm text-slate-600">{document.info.description}</p>
        <p className="mt-2 text-sm">
          Machine-readable:{" "}
          <a href="/api/v1/openapi.json" className="font-mono text-indigo-700 underline">
            /api/v1/openapi.json
          </a>{" "}
          (OpenAPI {document.openapi})
        </p>
      </div>
      {Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.entries(methods as Record<string, Operation>).map(([method, operation]) => (
          <section key={`${method} ${path}`} aria-label={`${method.toUpperCase()} ${path}`} className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
            <h2 className="flex flex-wrap items-center gap-3">
              <span className={`rounded px-2 py-0.5 font-mono text-xs font-bold uppercase ${METHOD_STYLE[method]}`}>{method}</span>
              <span className="font-mono text-sm">{path}</span>
            </h2>
            <p className="mt-2 text-sm text-slate-700">{operation.summary}</p>
            {operation.parameters?.some((parameter) => parameter.in === "query") && (
              <div className="mt-3">
                <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Query</h3>
                <Fields
                  schema={{
                    properties: Object.fromEntries(operation.parameters.filter((p) => p.in === "query").map((p) => [p.name, p.schema])),
                  }}
                />
              </div>
            )}
            {operation.requestBody && (
              <div className="mt-3">
                <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Body</h3>
                <Fields schema={operation.requestBody.content["application/json"].schema} />
              </div>
            )}
            <div className="mt-3">
              <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Responses</h3>
              <ul className="mt-1 space-y-1 text-sm">
                {Object.entries(operation.responses).map(([status, response]) => (
                  <li key={status}>
                    <span className="font-mono font-semibold">{status}</span> {response.description}
                  </li>
                ))}
              </ul>
            </div>
          </section>
        )),
      )}
    </div>
  );
}
