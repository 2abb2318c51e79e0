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

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;

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
    else if (value !== null && typeof value === "object") stack.push(...Object.values(value));
  }
  return found;
}

/** The placeholder names used in `data`'s string values, known or not. */
export function placeholdersIn(data: unknown): Set<string> {
  const names = new Set<string>();
  for (const text of stringsIn(data)) for (const match of text.matchAll(PLACEHOLDER)) names.add(match[1]);
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
  // An unknown placeholder (refused when the schedule is saved) is left as written.
  return text.replace(PLACEHOLDER, (whole, name: string) => valueOf(name, values) ?? whole);
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
