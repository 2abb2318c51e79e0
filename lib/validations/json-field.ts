import { z } from "zod";
import { MAX_JSON_DEPTH } from "../api/body-limits";
import { jsonNestingDepth } from "../json-text";

/**
 * Deepest nesting a form's JSON field may have: what the API accepts in a field of its body,
 * where the body itself is the first level (lib/api/http.ts).
 */
export const MAX_FIELD_DEPTH = MAX_JSON_DEPTH - 1;

/**
 * JSON text from a dashboard form field, parsed. Refused beside the field when it is not JSON,
 * or nests deeper than the API accepts: that is checked on the text first, because the schemas
 * that validate the value next recurse and would exhaust the stack (a 500) on deeper JSON.
 * `whenEmpty` is the JSON an empty field stands for; `text` may cap the text first.
 */
export function jsonFormField(field: string, whenEmpty: string, text: z.ZodString = z.string()) {
  return text.transform((value, ctx) => {
    const source = value.trim() === "" ? whenEmpty : value;
    if (jsonNestingDepth(source) > MAX_FIELD_DEPTH) {
      ctx.addIssue({ code: "custom", message: `${field} must not be nested more than ${MAX_FIELD_DEPTH} levels deep` });
      return z.NEVER;
    }
    try {
      return JSON.parse(source) as unknown;
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `${field} must be valid JSON: ${(error as Error).message}` });
      return z.NEVER;
    }
  });
}
