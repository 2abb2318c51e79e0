/**
 * Event-type schemas (JSON Schema 2020-12): which schemas the catalog accepts, compiling them,
 * and validating an event's data against one. Pure apart from the compiler's own state.
 *
 * Sign-up is open, so a schema is hostile input, and it runs on every event of its type, on the
 * thread that answers every account's requests. So a schema is accepted only if validating data
 * against it costs linear time in the data with a small constant:
 * - `pattern` and `patternProperties` run on V8's linear-time regular expression engine (the
 *   `l` flag): no backtracking, so no ReDoS. Patterns it cannot run (backreferences,
 *   lookarounds, `\p{…}`) are refused with that reason.
 * - Every schema that validates a value counts as an evaluation. The in-place applicators
 *   (allOf, anyOf, oneOf, not, if/then/else, dependentSchemas, $ref) make several evaluations of
 *   one value, and those multiply with depth through recursive `$ref`s: `{"allOf": [{"items":
 *   {"$ref": "#"}}, {"items": {"$ref": "#"}}]}` evaluates a value nested 40 deep 2^40 times.
 *   `evaluationsPerValue` bounds, at every depth data can have, how many evaluations one value
 *   of the data can get; above MAX_EVALUATIONS_PER_VALUE the schema is refused.
 * - `uniqueItems` compares items pairwise (quadratic) unless the items are declared scalars.
 * - Only local `$ref`s (`#`, `#/$defs/…`): no `$id`, anchors or dynamic references, so nothing is
 *   fetched, registered or shared between schemas (or accounts).
 * - At most MAX_SCHEMA_BYTES of JSON.
 * `format` is an annotation only (the 2020-12 default): it is not checked.
 */
import { setFlagsFromString } from "node:v8";
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import { MAX_JSON_DEPTH } from "../api/body-limits";

export const MAX_SCHEMA_BYTES = 32 * 1024;
/** Evaluations one value of an event's data may get from its type's schema (see above). */
export const MAX_EVALUATIONS_PER_VALUE = 64;
/** Validation errors reported for one event; the rest are counted. */
export const MAX_REPORTED_ERRORS = 20;
const DIALECT = "https://json-schema.org/draft/2020-12/schema";

// The linear-time engine is behind a V8 flag; setting it only makes the `l` flag available.
setFlagsFromString("--enable-experimental-regexp-engine");

function linearRegExp(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "l");
  } catch (error) {
    const reason = (error as Error).message.includes("linear time")
      ? "it cannot run in linear time (no backreferences, lookarounds or \\p{…})"
      : "it is not a valid regular expression";
    throw new Error(`The pattern ${JSON.stringify(pattern)} is refused: ${reason}`);
  }
}

/** One compiler for every schema; each compiled schema is removed from its cache at once (see compile). */
const ajv = new Ajv2020({
  strict: false,
  allErrors: true,
  validateFormats: false,
  unicodeRegExp: false,
  code: { regExp: Object.assign(linearRegExp, { code: "linearRegExp" }) },
});

const SINGLE = ["additionalProperties", "propertyNames", "items", "contains", "not", "if", "then", "else", "unevaluatedItems", "unevaluatedProperties"] as const;
const MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"] as const;
const LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"] as const;
const UNSUPPORTED = ["$id", "$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveRef", "$recursiveAnchor"];
const SCALAR_TYPES = new Set(["string", "number", "integer", "boolean", "null"]);

type SchemaNode = Record<string, unknown>;
const isNode = (value: unknown): value is SchemaNode => typeof value === "object" && value !== null && !Array.isArray(value);

/** Every subschema reachable through the applicator keywords, with its JSON pointer. */
function subschemas(node: SchemaNode, pointer: string): Array<{ schema: unknown; pointer: string }> {
  const found: Array<{ schema: unknown; pointer: string }> = [];
  const escape = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");
  for (const keyword of SINGLE) if (keyword in node) found.push({ schema: node[keyword], pointer: `${pointer}/${keyword}` });
  for (const keyword of MAPS) {
    const map = node[keyword];
    if (isNode(map)) for (const [key, schema] of Object.entries(map)) found.push({ schema, pointer: `${pointer}/${keyword}/${escape(key)}` });
  }
  for (const keyword of LISTS) {
    const list = node[keyword];
    if (Array.isArray(list)) list.forEach((schema, index) => found.push({ schema, pointer: `${pointer}/${keyword}/${index}` }));
  }
  return found;
}

/** The schema a local `$ref` names, or undefined (the compiler then reports it unresolved). */
function resolveLocalRef(root: unknown, ref: string): unknown {
  if (ref === "#") return root;
  let target: unknown = root;
  for (const raw of ref.slice(2).split("/")) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof target !== "object" || target === null || !Object.prototype.hasOwnProperty.call(target, key)) return undefined;
    target = (target as Record<string, unknown>)[key];
  }
  return target;
}

/** Problems with the schema's shape that the compiler would accept (see the contract above). */
function shapeProblems(root: unknown): string[] {
  const problems: string[] = [];
  const stack = [{ schema: root, pointer: "" }];
  const seen = new Set<unknown>();
  while (stack.length && problems.length < MAX_REPORTED_ERRORS) {
    const { schema, pointer } = stack.pop()!;
    if (!isNode(schema) || seen.has(schema)) continue;
    seen.add(schema);
    const at = pointer || "/";
    for (const keyword of UNSUPPORTED) if (keyword in schema) problems.push(`${at}: ${keyword} is not supported; refer to parts of this schema with a local $ref such as "#/$defs/name"`);
    if (pointer && "$schema" in schema) problems.push(`${at}: $schema is only allowed at the top`);
    if ("$ref" in schema && (typeof schema.$ref !== "string" || !(schema.$ref === "#" || schema.$ref.startsWith("#/")))) {
      problems.push(`${at}: $ref must be local ("#" or "#/…")`);
    }
    if (schema.uniqueItems === true && !scalarItems(schema.items)) {
      problems.push(`${at}: uniqueItems needs "items" to declare a scalar "type" (string, number, integer, boolean or null): comparing objects or arrays pairwise takes quadratic time`);
    }
    stack.push(...subschemas(schema, pointer));
  }
  return problems;
}

function scalarItems(items: unknown): boolean {
  if (!isNode(items)) return false;
  const types = Array.isArray(items.type) ? items.type : [items.type];
  return types.length > 0 && types.every((type) => typeof type === "string" && SCALAR_TYPES.has(type));
}

/**
 * The most evaluations one value of the data can get, over every depth data can have
 * (MAX_JSON_DEPTH); null when some schema refers to itself without descending into the data
 * (which never ends). Over-estimates when several schemas apply to different properties of one
 * object: each counts with its most expensive property.
 */
export function evaluationsPerValue(root: unknown): number | null {
  const nodes: SchemaNode[] = [];
  const index = new Map<SchemaNode, number>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const schema = stack.pop();
    if (!isNode(schema) || index.has(schema)) continue;
    index.set(schema, nodes.length);
    nodes.push(schema);
    for (const sub of subschemas(schema, "")) stack.push(sub.schema);
    if (typeof schema.$ref === "string") stack.push(resolveLocalRef(root, schema.$ref));
  }
  const ids = (list: unknown[]) => list.filter(isNode).map((schema) => index.get(schema)!);
  // Schemas applied to the same value (in place), and per child slot, those applied to one child.
  const inPlace = nodes.map((node) => {
    const list: unknown[] = [node.not, node.if, node.then, node.else];
    for (const keyword of ["allOf", "anyOf", "oneOf"]) if (Array.isArray(node[keyword])) list.push(...(node[keyword] as unknown[]));
    if (isNode(node.dependentSchemas)) list.push(...Object.values(node.dependentSchemas));
    if (typeof node.$ref === "string") list.push(resolveLocalRef(root, node.$ref));
    return ids(list);
  });
  const slots = nodes.map((node) => {
    const patterns = isNode(node.patternProperties) ? Object.values(node.patternProperties) : [];
    const prefix = Array.isArray(node.prefixItems) ? node.prefixItems : [];
    const properties = isNode(node.properties) ? Object.values(node.properties) : [];
    const objectRest = [node.unevaluatedProperties, ...patterns];
    const arrayRest = [node.contains, node.unevaluatedItems];
    return [
      ...properties.map((schema) => ids([schema, ...objectRest])),
      ids([node.additionalProperties, ...objectRest]),
      ids([node.propertyNames]),
      ...prefix.map((schema) => ids([schema, ...arrayRest])),
      ids([node.items, ...arrayRest]),
    ].filter((slot) => slot.length > 0);
  });
  // In-place edges must not loop: order the schemas so each comes after those it applies in place.
  const order: number[] = [];
  const state = new Uint8Array(nodes.length); // 0 new, 1 on the path, 2 done
  for (let start = 0; start < nodes.length; start++) {
    if (state[start]) continue;
    const path: Array<{ id: number; next: number }> = [{ id: start, next: 0 }];
    state[start] = 1;
    while (path.length) {
      const top = path[path.length - 1];
      if (top.next < inPlace[top.id].length) {
        const child = inPlace[top.id][top.next++];
        if (state[child] === 1) return null;
        if (state[child] === 0) {
          state[child] = 1;
          path.push({ id: child, next: 0 });
        }
      } else {
        state[top.id] = 2;
        order.push(top.id);
        path.pop();
      }
    }
  }
  // evaluations[id] at depth d: evaluations of one value d levels below a value `id` validates.
  const rootId = isNode(root) ? index.get(root)! : -1;
  let previous = new Float64Array(nodes.length);
  let worst = 0;
  for (let depth = 0; depth <= MAX_JSON_DEPTH; depth++) {
    const current = new Float64Array(nodes.length);
    for (const id of order) {
      let total = depth === 0 ? 1 : 0;
      for (const child of inPlace[id]) total += current[child];
      if (depth > 0) {
        let mostExpensiveSlot = 0;
        for (const slot of slots[id]) {
          let sum = 0;
          for (const member of slot) sum += previous[member];
          mostExpensiveSlot = Math.max(mostExpensiveSlot, sum);
        }
        total += mostExpensiveSlot;
      }
      // Saturate: only whether the bound is passed matters.
      current[id] = Math.min(total, MAX_EVALUATIONS_PER_VALUE * 1024);
    }
    worst = Math.max(worst, rootId >= 0 ? current[rootId] : 1);
    previous = current;
  }
  return worst;
}

export type CompiledSchema = { validate: ValidateFunction } | { problems: string[] };

/** Compiles a catalog schema, or says why it is refused. `schema` is parsed JSON. */
export function compileSchema(schema: unknown): CompiledSchema {
  if (!isNode(schema) && typeof schema !== "boolean") return { problems: ["The schema must be a JSON object (or true / false)"] };
  if (Buffer.byteLength(JSON.stringify(schema)) > MAX_SCHEMA_BYTES) return { problems: [`The schema must be at most ${MAX_SCHEMA_BYTES / 1024} KiB of JSON`] };
  if (isNode(schema) && "$schema" in schema && schema.$schema !== DIALECT) return { problems: [`$schema must be "${DIALECT}" (or left out)`] };
  if (!ajv.validateSchema(schema)) return { problems: describe(ajv.errors ?? [], "").slice(0, MAX_REPORTED_ERRORS).map(({ pointer, message }) => `${pointer || "/"}: ${message}`) };
  const shape = shapeProblems(schema);
  if (shape.length) return { problems: shape };
  const evaluations = evaluationsPerValue(schema);
  if (evaluations === null) return { problems: ["The schema refers to itself without descending into the data (a $ref loop through allOf, anyOf, oneOf, not, if/then/else or $ref): it never ends"] };
  if (evaluations > MAX_EVALUATIONS_PER_VALUE) {
    return {
      problems: [
        `The schema may evaluate one value of the data more than ${MAX_EVALUATIONS_PER_VALUE} times (allOf, anyOf, oneOf and $ref multiply with depth): simplify its combinations`,
      ],
    };
  }
  try {
    const validate = ajv.compile(schema);
    return { validate };
  } catch (error) {
    return { problems: [(error as Error).message] };
  } finally {
    // The compiler caches by schema object; each compile's object is new, so the cache would only grow.
    if (isNode(schema)) ajv.removeSchema(schema);
  }
}

export interface DataError {
  /** JSON pointer into the validated value ("" for the value itself). */
  pointer: string;
  message: string;
}

function describe(errors: ErrorObject[], prefix: string): DataError[] {
  return errors.map((error) => {
    const params = error.params as Record<string, unknown>;
    const extra = error.keyword === "additionalProperties" ? ` (${JSON.stringify(params.additionalProperty)})` : error.keyword === "enum" ? ` (${JSON.stringify(params.allowedValues)})` : "";
    return { pointer: `${prefix}${error.instancePath}`, message: `${error.message ?? "is invalid"}${extra}` };
  });
}

/** Validates `data` (parsed JSON): its errors, at most MAX_REPORTED_ERRORS, and how many there were. */
export function validateData(validate: ValidateFunction, data: unknown): { errors: DataError[]; total: number } {
  if (validate(data)) return { errors: [], total: 0 };
  const errors = describe(validate.errors ?? [], "");
  return { errors: errors.slice(0, MAX_REPORTED_ERRORS), total: errors.length };
}

/**
 * The schema placed at `base` (a JSON pointer URI such as `#/components/schemas/order.created`)
 * inside a larger document: its local `$ref`s rebased there. Only `$ref`s in schema positions
 * change (a `const` or an example that happens to hold a "$ref" key is data).
 */
export function rebaseRefs(schema: unknown, base: string): unknown {
  if (!isNode(schema)) return schema === false ? { not: {} } : schema === true ? {} : schema;
  const copy: SchemaNode = JSON.parse(JSON.stringify(schema));
  const stack: unknown[] = [copy];
  while (stack.length) {
    const node = stack.pop();
    if (!isNode(node)) continue;
    if (typeof node.$ref === "string" && node.$ref.startsWith("#")) node.$ref = `${base}${node.$ref.slice(1)}`;
    for (const sub of subschemas(node, "")) stack.push(sub.schema);
  }
  return copy;
}
