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
 * - Linear is not cheap: that engine's cost per character of text grows with the pattern's
 *   compiled size (pattern-cost.ts), and every pattern that applies to a value, or to an object's
 *   keys (patternProperties), adds up: 1,000 short patternProperties over 20,000 keys took 3 s.
 *   So, when a schema is saved: each pattern has at most MAX_PATTERN_LENGTH characters, and
 *   `patternStepsPerChar` bounds the estimated steps all of them may take per character of the
 *   data by MAX_PATTERN_STEPS_PER_CHAR. That bound alone would have to be tiny to keep a 256 KiB
 *   event cheap (one email pattern with `\s` is ~200 steps), so every validation is also metered
 *   (validateData): once the patterns' estimated steps pass PATTERN_STEPS_PER_VALIDATION plus
 *   PATTERN_STEPS_PER_DATA_CHAR per character of the data's JSON, the test about to run is not
 *   run and the data is refused with that reason. The meter counts before each test, so no schema,
 *   including one stored before these bounds, can make one event cost more than that (~0.1–0.2 s
 *   at 256 KiB on the slowest machine measured).
 * - Every schema that validates a value counts as an evaluation. The in-place applicators
 *   (allOf, anyOf, oneOf, not, if/then/else, dependentSchemas, $ref) make several evaluations of
 *   one value, and those multiply with depth through recursive `$ref`s: `{"allOf": [{"items":
 *   {"$ref": "#"}}, {"items": {"$ref": "#"}}]}` evaluates a value nested 40 deep 2^40 times.
 *   `evaluationsPerValue` bounds, at every depth data can have, how many evaluations one value
 *   of the data can get; above MAX_EVALUATIONS_PER_VALUE the schema is refused.
 * - `uniqueItems` compares items pairwise (quadratic) unless the items are declared scalars.
 * - Only local `$ref`s (`#`, `#/$defs/…`): no `$id`, anchors or dynamic references, so nothing is
 *   fetched, registered or shared between schemas (or accounts).
 * - No `$async`: validation is synchronous (an async validator's refusals would be rejected
 *   promises nobody awaits).
 * - At most MAX_SCHEMA_BYTES of JSON.
 * `format` is an annotation only (the 2020-12 default): it is not checked.
 */
import { setFlagsFromString } from "node:v8";
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import type { RegExpLike } from "ajv/dist/types";
import { MAX_JSON_DEPTH } from "../api/body-limits";
import { patternCost } from "./pattern-cost";

export const MAX_SCHEMA_BYTES = 32 * 1024;
/** Evaluations one value of an event's data may get from its type's schema (see above). */
export const MAX_EVALUATIONS_PER_VALUE = 64;
/** Characters of one `pattern` or patternProperties key: what schemas need is far shorter. */
export const MAX_PATTERN_LENGTH = 256;
/**
 * Estimated steps of the linear engine (pattern-cost.ts) all the patterns that apply to one value
 * may take per character of the data (patternStepsPerDataChar): a short anchored pattern such as
 * `^[A-Z]{3}$` takes 10, a UUID pattern 21, an email pattern with `\s` classes ~210; so about 25
 * short patterns on one value, or 12 patternProperties with additionalProperties set.
 */
export const MAX_PATTERN_STEPS_PER_CHAR = 256;
/**
 * Estimated pattern steps one validation may take: this many, plus PATTERN_STEPS_PER_DATA_CHAR
 * per character of the data's JSON (linear in the data; a 256 KiB event may take ~8.5 million,
 * 85–220 ms at the 10–26 ns a step took on a slow shared machine, every thread live). Ordinary
 * data is far below: an array of UUIDs checked by a UUID pattern takes ~9 per character. The
 * fixed part (~10–26 ms) lets a small event check many strings with a costly pattern (50
 * addresses against an email pattern with `\s` take ~260,000) without moving the worst case,
 * which the per-character part sets.
 */
export const PATTERN_STEPS_PER_VALIDATION = 1_048_576;
export const PATTERN_STEPS_PER_DATA_CHAR = 32;
/** Validation errors reported for one event; the rest are counted. */
export const MAX_REPORTED_ERRORS = 20;
const DIALECT = "https://json-schema.org/draft/2020-12/schema";

// The linear-time engine is behind a V8 flag; setting it only makes the `l` flag available.
setFlagsFromString("--enable-experimental-regexp-engine");

function compileLinear(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "l");
  } catch (error) {
    const reason = (error as Error).message.includes("linear time")
      ? "it cannot run in linear time (no backreferences, lookarounds or \\p{…})"
      : "it is not a valid regular expression";
    throw new Error(`The pattern ${shown(pattern)} is refused: ${reason}`);
  }
}

/** A pattern as messages quote it: long ones cut. */
const shown = (pattern: string) => JSON.stringify(pattern.length > 60 ? `${pattern.slice(0, 60)}…` : pattern);

/** The pattern work the validation in progress may still do (validateData); null outside one. */
let patternBudget: { steps: number; data: unknown; sized: boolean } | null = null;
/** Thrown through the compiled validator when the budget is spent; validateData turns it into the refusal. */
const PATTERN_BUDGET_SPENT = new Error("The pattern budget of this validation is spent");
const SPENT = Symbol("spent");

function chargePatternSteps(steps: number): void {
  const budget = patternBudget;
  // A validator run outside validateData would be unmetered: refuse to, rather than risk it.
  if (!budget) throw new Error("Validate event data with validateData, which bounds the patterns' work");
  budget.steps -= steps;
  if (budget.steps < 0 && !budget.sized) {
    // Measured only now: most validations never get here, so they do not pay for serialising the data.
    budget.sized = true;
    budget.steps += PATTERN_STEPS_PER_DATA_CHAR * JSON.stringify(budget.data).length;
  }
  if (budget.steps < 0) throw PATTERN_BUDGET_SPENT;
}

/** Runs a validation of `data` with its patterns' work metered; SPENT when the budget ran out first. */
function metered<T>(data: unknown, validate: () => T): T | typeof SPENT {
  patternBudget = { steps: PATTERN_STEPS_PER_VALIDATION, data, sized: false };
  try {
    return validate();
  } catch (error) {
    if (error !== PATTERN_BUDGET_SPENT) throw error;
    return SPENT;
  } finally {
    patternBudget = null;
  }
}

/** The compiler's regular expressions: linear-time, and each test charged to the budget before it runs. */
function linearRegExp(pattern: string): RegExpLike {
  const regExp = compileLinear(pattern);
  const { stepsPerChar, stepsPerCall } = patternCost(pattern);
  const regExpLike = {
    test: (text: string) => {
      chargePatternSteps((text.length + 1) * stepsPerChar + stepsPerCall);
      return regExp.test(text);
    },
    // The compiler keeps one object per pattern, keyed by this text (an object's default would be shared by all).
    toString: () => regExp.toString(),
  };
  return regExpLike;
}

/**
 * What one pattern adds, per character of the data, wherever it applies: a test of text of
 * length n costs (n + 1) × stepsPerChar + stepsPerCall, and text of length n takes at least n + 2
 * characters of JSON (a string's quotes; a key's quotes, colon and value take more), so per
 * character of JSON that is at most stepsPerChar + stepsPerCall / 2.
 */
function patternStepsPerDataChar(pattern: string): number {
  const { stepsPerChar, stepsPerCall } = patternCost(pattern);
  return stepsPerChar + Math.ceil(stepsPerCall / 2);
}

/** The patterns of one schema (`pattern`, patternProperties' keys), each with its JSON pointer. */
function patternsOf(node: SchemaNode, pointer: string): Array<{ pattern: string; pointer: string }> {
  const found = typeof node.pattern === "string" ? [{ pattern: node.pattern, pointer: `${pointer}/pattern` }] : [];
  if (isNode(node.patternProperties)) {
    for (const pattern of Object.keys(node.patternProperties)) found.push({ pattern, pointer: `${pointer}/patternProperties/${escapePointer(pattern)}` });
  }
  return found;
}

const AJV_OPTIONS = {
  strict: false,
  allErrors: true,
  validateFormats: false,
  unicodeRegExp: false,
  code: { regExp: Object.assign(linearRegExp, { code: "linearRegExp" }) },
} as const;

/** Checks schemas against the 2020-12 meta-schema (as data): it compiles none of them. */
const metaSchemaChecker = new Ajv2020(AJV_OPTIONS);

/**
 * A compiler for one schema, which goes with its validator. An Ajv instance keeps every schema it
 * ever compiled (its generated code's scope holds each one, whatever removeSchema drops): one
 * shared compiler grew by each schema saved or validated, ~53 MB over 2,000 schemas of 20 KB, and
 * an account saving schemas in a loop could run the server out of memory. Without meta-schemas
 * (checked above by metaSchemaChecker) a compiler costs little to make.
 */
const schemaCompiler = () => new Ajv2020({ ...AJV_OPTIONS, meta: false, validateSchema: false });

const SINGLE = ["additionalProperties", "propertyNames", "items", "contains", "not", "if", "then", "else", "unevaluatedItems", "unevaluatedProperties"] as const;
const MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"] as const;
const LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"] as const;
const UNSUPPORTED = ["$id", "$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveRef", "$recursiveAnchor"];
const SCALAR_TYPES = new Set(["string", "number", "integer", "boolean", "null"]);

type SchemaNode = Record<string, unknown>;
const isNode = (value: unknown): value is SchemaNode => typeof value === "object" && value !== null && !Array.isArray(value);
/**
 * Stands for the boolean schemas `true` and `false` in the bounds, so they count like any other
 * schema: each is an evaluation (`anyOf` of 1,000 `false` makes 1,000 errors per value).
 */
const BOOLEAN_SCHEMA: SchemaNode = {};
const asNode = (schema: unknown): unknown => (typeof schema === "boolean" ? BOOLEAN_SCHEMA : schema);

const escapePointer = (key: string) => key.replace(/~/g, "~0").replace(/\//g, "~1");

/** Every subschema reachable through the applicator keywords, with its JSON pointer. */
function subschemas(node: SchemaNode, pointer: string): Array<{ schema: unknown; pointer: string }> {
  const found: Array<{ schema: unknown; pointer: string }> = [];
  for (const keyword of SINGLE) if (keyword in node) found.push({ schema: node[keyword], pointer: `${pointer}/${keyword}` });
  for (const keyword of MAPS) {
    const map = node[keyword];
    if (isNode(map)) for (const [key, schema] of Object.entries(map)) found.push({ schema, pointer: `${pointer}/${keyword}/${escapePointer(key)}` });
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

/**
 * Problems with the schema's shape that the compiler would accept (see the contract above).
 * `patternBounds`: whether each pattern's length and cost are bounded (see compileSchema).
 */
function shapeProblems(root: unknown, patternBounds: boolean): string[] {
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
    if ("$async" in schema) problems.push(`${at}: $async is not supported: events are validated synchronously`);
    for (const { pattern, pointer: patternAt } of patternsOf(schema, pointer)) {
      if (problems.length >= MAX_REPORTED_ERRORS) break;
      try {
        compileLinear(pattern);
      } catch (error) {
        problems.push(`${patternAt}: ${(error as Error).message}`);
        continue;
      }
      if (!patternBounds) continue;
      if (pattern.length > MAX_PATTERN_LENGTH) {
        problems.push(`${patternAt}: the pattern ${shown(pattern)} is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH}`);
        continue;
      }
      const steps = patternStepsPerDataChar(pattern);
      if (steps > MAX_PATTERN_STEPS_PER_CHAR) {
        problems.push(
          `${patternAt}: the pattern ${shown(pattern)} may take ${steps} steps per character of the data it checks; at most ${MAX_PATTERN_STEPS_PER_CHAR} (each range of a character class counts, a repeat such as {16} counts its body that many times, and unanchored loops all count at once)`,
        );
      }
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
 * object: each counts with its most expensive property. Boolean schemas count too.
 */
export function evaluationsPerValue(root: unknown): number | null {
  return worstPerValue(root, () => 1, MAX_EVALUATIONS_PER_VALUE * 1024);
}

/**
 * The most estimated pattern steps per character of the data (patternStepsPerDataChar) that the
 * schemas applying to one value can take, over every depth: each schema's `pattern`, plus its
 * patternProperties' patterns, which are tested against each key of an object, and once more
 * each when additionalProperties is set (it asks whether any of them matched). Null as for
 * evaluationsPerValue.
 */
export function patternStepsPerChar(root: unknown): number | null {
  return worstPerValue(root, patternWeight, MAX_PATTERN_STEPS_PER_CHAR * 1024);
}

function patternWeight(node: SchemaNode): number {
  const keyTests = "additionalProperties" in node ? 2 : 1;
  let steps = typeof node.pattern === "string" ? patternStepsPerDataChar(node.pattern) : 0;
  if (isNode(node.patternProperties)) for (const pattern of Object.keys(node.patternProperties)) steps += keyTests * patternStepsPerDataChar(pattern);
  return steps;
}

/**
 * The largest sum of `weight` over the schemas that apply to one value of the data, at any depth
 * (the value itself counts each schema once per time it is applied); null for an in-place loop.
 * Sums saturate at `saturateAt`: only whether a bound is passed matters.
 */
function worstPerValue(root: unknown, weight: (schema: SchemaNode) => number, saturateAt: number): number | null {
  const nodes: SchemaNode[] = [];
  const index = new Map<SchemaNode, number>();
  const stack: unknown[] = [asNode(root)];
  while (stack.length) {
    const schema = stack.pop();
    if (!isNode(schema) || index.has(schema)) continue;
    index.set(schema, nodes.length);
    nodes.push(schema);
    for (const sub of subschemas(schema, "")) stack.push(asNode(sub.schema));
    if (typeof schema.$ref === "string") stack.push(asNode(resolveLocalRef(root, schema.$ref)));
  }
  const weights = nodes.map(weight);
  const ids = (list: unknown[]) => list.map(asNode).filter(isNode).map((schema) => index.get(schema)!);
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
  // current[id] at depth d: the weight one value d levels below a value `id` validates gets.
  const rootId = index.get(asNode(root) as SchemaNode) ?? -1;
  let previous = new Float64Array(nodes.length);
  let worst = 0;
  for (let depth = 0; depth <= MAX_JSON_DEPTH; depth++) {
    const current = new Float64Array(nodes.length);
    for (const id of order) {
      let total = depth === 0 ? weights[id] : 0;
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
      current[id] = Math.min(total, saturateAt);
    }
    worst = Math.max(worst, rootId >= 0 ? current[rootId] : 0);
    previous = current;
  }
  return worst;
}

export type CompiledSchema = { validate: ValidateFunction } | { problems: string[] };

/** A schema whose own checking (its meta-schema check or its compiling) ran out of the patterns' budget. */
const OVER_BUDGET: CompiledSchema = { problems: ["The schema could not be checked within the patterns' budget"] };

/**
 * Compiles a catalog schema, or says why it is refused. `schema` is parsed JSON.
 *
 * `patternBounds: false` is for a schema already in the catalog (check-data.ts): one stored
 * before MAX_PATTERN_LENGTH and MAX_PATTERN_STEPS_PER_CHAR existed may pass them. It still
 * compiles, since validateData's meter bounds what its patterns cost per event whatever they
 * are, so its events stay validated (refused with the meter's reason when they would cost too
 * much) rather than silently unchecked. The other bounds still apply: what they guard is not
 * metered, and a stored schema over one of them validates nothing, as before.
 */
export function compileSchema(schema: unknown, { patternBounds = true }: { patternBounds?: boolean } = {}): CompiledSchema {
  if (!isNode(schema) && typeof schema !== "boolean") return { problems: ["The schema must be a JSON object (or true / false)"] };
  if (Buffer.byteLength(JSON.stringify(schema)) > MAX_SCHEMA_BYTES) return { problems: [`The schema must be at most ${MAX_SCHEMA_BYTES / 1024} KiB of JSON`] };
  if (isNode(schema) && "$schema" in schema && schema.$schema !== DIALECT) return { problems: [`$schema must be "${DIALECT}" (or left out)`] };
  // The meta-schema's few patterns (on $id and anchor names) are metered like any, here and in compile.
  const meta = metered(schema, () => metaSchemaChecker.validateSchema(schema) as boolean);
  if (meta === SPENT) return OVER_BUDGET;
  if (!meta) return { problems: describe(metaSchemaChecker.errors ?? [], "").slice(0, MAX_REPORTED_ERRORS).map(({ pointer, message }) => `${pointer || "/"}: ${message}`) };
  const shape = shapeProblems(schema, patternBounds);
  if (shape.length) return { problems: shape };
  const evaluations = evaluationsPerValue(schema);
  if (evaluations === null) return { problems: ["The schema refers to itself without descending into the data (a $ref loop through allOf, anyOf, oneOf, not, if/then/else or $ref): it never ends"] };
  // Before the evaluations: many patternProperties are refused for what they cost, not as evaluations.
  if (patternBounds && patternStepsPerChar(schema)! > MAX_PATTERN_STEPS_PER_CHAR) {
    return {
      problems: [
        `The schema's patterns may take more than ${MAX_PATTERN_STEPS_PER_CHAR} steps per character of the data (the patterns that apply to one value add up, and each key of an object is tested against every patternProperties pattern, twice with additionalProperties): use fewer or simpler patterns`,
      ],
    };
  }
  if (evaluations > MAX_EVALUATIONS_PER_VALUE) {
    return {
      problems: [
        `The schema may evaluate one value of the data more than ${MAX_EVALUATIONS_PER_VALUE} times (allOf, anyOf, oneOf and $ref multiply with depth): simplify its combinations`,
      ],
    };
  }
  try {
    const validate = metered(schema, () => schemaCompiler().compile(schema));
    return validate === SPENT ? OVER_BUDGET : { validate };
  } catch (error) {
    return { problems: [(error as Error).message] };
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

/**
 * Validates `data` (parsed JSON): its errors, at most MAX_REPORTED_ERRORS, and how many there
 * were. The patterns' work is metered (see the contract above): data that would take more is
 * refused with one error saying so, whatever else it gets wrong.
 */
export function validateData(validate: ValidateFunction, data: unknown): { errors: DataError[]; total: number } {
  const valid = metered(data, () => validate(data) as boolean);
  if (valid === SPENT) {
    const message = `checking this data against the schema's patterns would take more than ${PATTERN_STEPS_PER_VALIDATION} steps plus ${PATTERN_STEPS_PER_DATA_CHAR} per character of its JSON (a string checked costs its length times its pattern's steps per character): check less text with pattern or patternProperties, or use simpler patterns`;
    return { errors: [{ pointer: "", message }], total: 1 };
  }
  if (valid) return { errors: [], total: 0 };
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
