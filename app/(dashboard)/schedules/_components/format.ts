/** Every IANA zone this server knows, UTC first (the timezone field's suggestions). */
export function timezoneNames(): string[] {
  return ["UTC", ...Intl.supportedValuesOf("timeZone").filter((zone) => zone !== "UTC")];
}

/** `Sat, 28 Nov 2026, 10:00:05` in `timezone` (server-rendered only, so no hydration mismatch). */
export function formatInZone(ms: number, timezone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: timezone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(ms);
}
