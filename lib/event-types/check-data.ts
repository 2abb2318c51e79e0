/**
 * Validating an event's data against its type's schema, as every accepted event does (API
 * ingest, the dashboard's Send event). The catalog is read on each event, so a schema set or
 * changed on one server applies on every other at once. Compiling is what costs (milliseconds),
 * so compiled schemas are kept by their text (the same text compiles the same, whoever stored
 * it), in a cache bounded by count and by the size of the text it holds: it does not grow with
 * the catalogs. What validating costs is bounded per event by validateData (schema.ts), which
 * meters the patterns' work, so a stored schema is compiled without the pattern bounds new
 * schemas must meet: one saved before them keeps validating its events, within the same budget.
 */
import type { ValidateFunction } from "ajv";
import { store } from "../store/connection";
import { eventTypeSchema } from "../store/event-type-schema";
import { compileSchema, validateData, type DataError } from "./schema";

const MAX_CACHED = 256;
const MAX_CACHED_SCHEMA_CHARS = 4 * 1024 * 1024;

/**
 * Least recently used first (a Map iterates in insertion order; a hit moves its entry to the
 * end). Null: a stored schema that no longer compiles (a stricter release), which validates nothing.
 */
const compiled = new Map<string, ValidateFunction | null>();
let cachedChars = 0;

function validatorFor(schemaText: string): ValidateFunction | null {
  if (compiled.has(schemaText)) {
    const hit = compiled.get(schemaText)!;
    compiled.delete(schemaText);
    compiled.set(schemaText, hit);
    return hit;
  }
  const result = compileSchema(JSON.parse(schemaText), { patternBounds: false });
  const validate = "validate" in result ? result.validate : null;
  compiled.set(schemaText, validate);
  cachedChars += schemaText.length;
  for (const oldest of compiled.keys()) {
    if (compiled.size <= MAX_CACHED && cachedChars <= MAX_CACHED_SCHEMA_CHARS) break;
    compiled.delete(oldest);
    cachedChars -= oldest.length;
  }
  return validate;
}

/** The data's errors against its type's schema (none when the type has no schema in the catalog), and how many there were. */
export async function eventDataErrors(userId: string, type: string, data: unknown): Promise<{ errors: DataError[]; total: number }> {
  const schemaText = await eventTypeSchema(store(), userId, type);
  const validate = schemaText === null ? null : validatorFor(schemaText);
  return validate ? validateData(validate, data) : { errors: [], total: 0 };
}
