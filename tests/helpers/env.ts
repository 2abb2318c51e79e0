/** Loading lib/env afresh under chosen variables, for tests of configuration parsing. */
import { afterEach, vi } from "vitest";

/** Call at the top level of a describe or file: restores process.env after each test. */
export function restoreEnvAfterEach(): void {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.resetModules();
  });
}

/** The parsed configuration with `overrides` set on top of the current environment. */
export async function loadEnvWith(overrides: Record<string, string>) {
  Object.assign(process.env, overrides);
  vi.resetModules();
  return (await import("@/lib/env")).env;
}
