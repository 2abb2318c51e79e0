/**
 * Placeholders in a schedule's data, filled at each tick: `{{time}}` (the tick's ISO time),
 * `{{endpoint.name}}`, `{{endpoint.id}}`, `{{schedule.name}}`, `{{schedule.id}}`. Only string
 * values are templated (never keys), so the result is always the same JSON shape.
 *
 * Data that names the endpoint is personal: a tick then creates one event per target endpoint,
 * each delivered only to that endpoint (the classic "Hello <name>" ticker). Pure functions.
 */

export const PLACEHOLDERS = ["time", "endpoint.name", "endpoint.id", "schedule.name", "schedule.id"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

interface PlaceholderMatch {
  /** Index of the opening `{{`. */
  start: number;
  /** Index just past the closing `}}`. */
  end: number;
  name: string;
}

const isSpace = (char: string) => /\s/.test(char);
const isNameChar = (code: number) =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 46 || code === 45;

/**
 * The placeholders in `text`, left to right: `{{`, optional whitespace, a name of letters,
 * digits, `_`, `.` or `-` (possibly empty), optional whitespace, `}}`. A hand-written scan in
 * time linear in the text, where the equivalent regex backtracked quadratically ("{{" then
 * 200,000 spaces took 22 s). It finds what the regex `/\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g` finds:
 * whitespace and name characters are disjoint, so the longest run of each is the only way a
 * match can go. A failed attempt scans only whitespace and name characters, none of which can
 * start another `{{`, so the next attempt begins where it stopped: every character is read at
 * most twice.
 */
function* scanPlaceholders(text: string): Generator<PlaceholderMatch> {
  let from = 0;
  for (;;) {
    const start = text.indexOf("{{", from);
    if (start === -1) return;
    let at = start + 2;
    while (at < text.length && isSpace(text[at])) at++;
    const nameStart = at;
    while (at < text.length && isNameChar(text.charCodeAt(at))) at++;
    const nameEnd = at;
    while (at < text.length && isSpace(text[at])) at++;
    if (text.startsWith("}}", at)) {
      yield { start, end: at + 2, name: text.slice(nameStart, nameEnd) };
      from = at + 2;
    } else {
      // As the regex does: the next attempt starts one character later, e.g. "{{{time}}" holds
      // "{{time}}". Characters skipped above hold no "{" (unless at `at` itself), so this is
      // also where the next "{{" can first be, bar `{{{`.
      from = Math.max(start + 1, at - 1);
    }
  }
}

export interface TemplateValues {
  /** The tick's nominal time, ISO 8601. */
  time: string;
  schedule: { id: string; name: string };
  /** Absent when the data does not name the endpoint (one event for all of them). */
  endpoint?: { id: string; name: string };
}

/** Every string value in `data` (iterative, so any nesting depth is safe). */
function stringsIn(data: unknown): string[] {
  const found: string[] = [];
  const stack: unknown[] = [data];
  while (stack.length) {
    const value = stack.pop();
    if (typeof value === "string") found.push(value);
    // One by one: spreading a large array into push() overflows the stack (~120,000 items).
    else if (value !== null && typeof value === "object") for (const child of Object.values(value)) stack.push(child);
  }
  return found;
}

/** The placeholder names used in `data`'s string values, known or not. */
export function placeholdersIn(data: unknown): Set<string> {
  const names = new Set<string>();
  for (const text of stringsIn(data)) for (const match of scanPlaceholders(text)) names.add(match.name);
  return names;
}

/** Placeholders used in `data` that Hookline does not know (a typo such as `{{endpoint.nme}}`). */
export function unknownPlaceholders(data: unknown): string[] {
  return [...placeholdersIn(data)].filter((name) => !(PLACEHOLDERS as readonly string[]).includes(name));
}

/** True when the data is personal to each endpoint (uses `{{endpoint.…}}`). */
export function namesEndpoint(data: unknown): boolean {
  return [...placeholdersIn(data)].some((name) => name.startsWith("endpoint."));
}

function valueOf(name: string, values: TemplateValues): string | null {
  switch (name) {
    case "time":
      return values.time;
    case "schedule.name":
      return values.schedule.name;
    case "schedule.id":
      return values.schedule.id;
    case "endpoint.name":
      return values.endpoint?.name ?? null;
    case "endpoint.id":
      return values.endpoint?.id ?? null;
    default:
      return null;
  }
}

function fillText(text: string, values: TemplateValues): string {
  const parts: string[] = [];
  let copied = 0;
  for (const { start, end, name } of scanPlaceholders(text)) {
    // An unknown placeholder (refused when the schedule is saved) is left as written.
    const value = valueOf(name, values);
    if (value === null) continue;
    parts.push(text.slice(copied, start), value);
    copied = end;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join("");
}

/**
 * The most JSON bytes each placeholder's value can take: an ISO time (27 with a 6-digit year), an
 * id, and names of at most 100 characters, each written as `\uXXXX` at worst.
 */
const MAX_VALUE_BYTES: Record<Placeholder, number> = { time: 27, "schedule.id": 32, "endpoint.id": 32, "schedule.name": 600, "endpoint.name": 600 };

/**
 * The most bytes `data` can have as JSON once its placeholders are filled in, whatever the
 * schedule's and endpoints' names: the events a tick creates must fit the event data limit too,
 * and 15,000 `{{schedule.name}}` in 255 KB of data made 1.5 MB events (one per endpoint).
 */
export function maxFilledBytes(data: unknown): number {
  let bytes = Buffer.byteLength(JSON.stringify(data));
  for (const text of stringsIn(data)) {
    for (const { start, end, name } of scanPlaceholders(text)) {
      if (name in MAX_VALUE_BYTES) bytes += MAX_VALUE_BYTES[name as Placeholder] - (end - start);
    }
  }
  return bytes;
}

/** `data` with its placeholders filled in; the input is not changed. */
export function fillTemplate(data: unknown, values: TemplateValues): unknown {
  if (typeof data === "string") return fillText(data, values);
  if (Array.isArray(data)) return data.map((item) => fillTemplate(item, values));
  if (data !== null && typeof data === "object") {
    return Object.fromEntries(Object.entries(data).map(([key, item]) => [key, fillTemplate(item, values)]));
  }
  return data;
}

/** The "Hello ticker" preset: the classic dispatcher's greeting to every endpoint every 5 seconds. */
export const HELLO_TICKER_PRESET = {
  name: "Hello ticker",
  cron: "*/5 * * * * *",
  timezone: "UTC",
  type: "hello.tick",
  data: { message: "Hello {{endpoint.name}}, current time is {{time}}" },
} as const;
