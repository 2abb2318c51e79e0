/**
 * JSON as text, walked once without parsing: how deep it nests, and an indented copy of it that
 * stops growing at a limit; and API responses written with stored JSON text spliced in as it is.
 * Pure, so forms, pages and tests share them.
 *
 * Why text and not JSON.stringify(value, null, 2): indentation grows with depth, so a 250 KB event
 * whose 125,000 numbers sit 61 levels deep becomes 32 MB indented, and a few dashboard views of it
 * ran the server out of heap. Walking the compact text, the copy is abandoned as soon as it passes
 * its limit.
 */

/** How deep objects and arrays nest in `text` (0 for a scalar). Linear in the text, any depth. */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === QUOTE) i = endOfString(text, i);
    else if (char === OPEN_BRACE || char === OPEN_BRACKET) deepest = Math.max(deepest, ++depth);
    else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) depth--;
  }
  return deepest;
}

/**
 * Most characters of indented JSON a page shows for one value (four times the largest event's
 * data): past it the compact text is shown instead, which is never longer than what was stored.
 */
export const MAX_INDENTED_LENGTH = 1024 * 1024;

/**
 * The same for each of the many values of a list (the inbox's 50 requests, the portal's event
 * types): indented only if no longer than the largest stored value, so the page is never more
 * than its values' stored size.
 */
export const MAX_INDENTED_LENGTH_IN_LIST = 256 * 1024;

/**
 * `value` as JSON indented by two spaces, exactly as JSON.stringify(value, null, 2) writes it, when
 * that is at most `limit` characters; otherwise compact, as JSON.stringify(value) writes it.
 * `indented` says which.
 */
export function indentedJson(value: unknown, limit = MAX_INDENTED_LENGTH): { text: string; indented: boolean } {
  const compact = JSON.stringify(value) ?? "null";
  const indented = indent(compact, limit);
  return indented === null ? { text: compact, indented: false } : { text: indented, indented: true };
}

/** A request body as received: indented (as indentedJson does) when it is JSON, else as it is. */
export function indentedBody(body: string, limit = MAX_INDENTED_LENGTH): string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return body;
  }
  return indentedJson(value, limit).text;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** The index of the quote that closes the string opened at `start`. */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const char = text.charCodeAt(i);
    if (char === BACKSLASH) i += 2;
    else if (char === QUOTE) return i;
    else i++;
  }
  return i;
}

/** Compact JSON (no whitespace outside strings) indented as JSON.stringify's `space` of 2 does, or null past `limit` characters. */
function indent(compact: string, limit: number): string | null {
  const parts: string[] = [];
  let length = 0;
  let depth = 0;
  const push = (part: string) => {
    parts.push(part);
    length += part.length;
    return length <= limit;
  };
  const newline = () => push(`\n${"  ".repeat(depth)}`);
  for (let i = 0; i < compact.length; i++) {
    const char = compact.charCodeAt(i);
    let fits: boolean;
    if (char === QUOTE) {
      const end = endOfString(compact, i);
      fits = push(compact.slice(i, end + 1));
      i = end;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      const next = compact.charCodeAt(i + 1);
      if (next === CLOSE_BRACE || next === CLOSE_BRACKET) {
        // An empty object or array stays on its line: {} and [].
        fits = push(compact.slice(i, i + 2));
        i++;
      } else {
        depth++;
        fits = push(compact[i]) && newline();
      }
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth--;
      fits = newline() && push(compact[i]);
    } else if (char === COMMA) {
      fits = push(",") && newline();
    } else if (char === COLON) {
      fits = push(": ");
    } else {
      // A number, true, false or null: up to the next structural character.
      let end = i + 1;
      while (end < compact.length && !STRUCTURAL.has(compact.charCodeAt(end))) end++;
      fits = push(compact.slice(i, end));
      i = end - 1;
    }
    if (!fits) return null;
  }
  return parts.join("");
}

const STRUCTURAL = new Set([COMMA, CLOSE_BRACE, CLOSE_BRACKET, COLON]);

/**
 * JSON.stringify(object), except that the fields named in `raw` are written as the JSON text given
 * there (data as stored), not parsed and written again: a page of large events is read as text
 * and stays text. Fields keep the object's order, and undefined ones are left out, as
 * JSON.stringify does; the stored text was itself written by JSON.stringify, so it reads the same.
 *
 * Built with `+`, not Array.join: `+` links the stored texts without copying them and the
 * response's encoding walks them once, while join copied each (a 4 MB page: 32 ms to build
 * and 22 to encode with join, 0.04 and 15 with `+`).
 */
export function jsonWithRawFields(object: object, raw: Record<string, string>): string {
  let text = "";
  for (const [name, value] of Object.entries(object)) {
    const field: string | undefined = Object.hasOwn(raw, name) ? raw[name] : JSON.stringify(value);
    if (field !== undefined) text += (text === "" ? "{" : ",") + JSON.stringify(name) + ":" + field;
  }
  return text === "" ? "{}" : text + "}";
}

/** An API list page `{data, nextCursor}` whose items are JSON text already (built with `+`, as above). */
export function pageJson(items: string[], nextCursor: string | null): string {
  let text = '{"data":[';
  for (let index = 0; index < items.length; index++) text += (index === 0 ? "" : ",") + items[index];
  return text + '],"nextCursor":' + JSON.stringify(nextCursor) + "}";
}
