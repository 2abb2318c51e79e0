// Which PostgreSQL server the throw-away clusters use: Debian's newest installed major version
// that really has a server (initdb), never a half-removed one.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findServerBinaries } from "@/lib/store/postgres/cluster";

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

function fakeInstall(versions: Record<string, boolean>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "hookline-pg-bins-"));
  roots.push(root);
  for (const [version, hasInitdb] of Object.entries(versions)) {
    mkdirSync(path.join(root, version, "bin"), { recursive: true });
    if (hasInitdb) writeFileSync(path.join(root, version, "bin", "initdb"), "");
  }
  return root;
}

describe("findServerBinaries", () => {
  it("picks the newest major version numerically (16 after 9.6)", () => {
    const root = fakeInstall({ "9.6": true, "15": true, "16": true });
    expect(findServerBinaries(root)).toBe(path.join(root, "16", "bin"));
  });

  it("skips a version left without its server binaries", () => {
    const root = fakeInstall({ "15": true, "17": false });
    expect(findServerBinaries(root)).toBe(path.join(root, "15", "bin"));
  });

  it("finds nothing when the server package is not installed", () => {
    expect(findServerBinaries(path.join(os.tmpdir(), "hookline-no-such-folder"))).toBeNull();
    expect(findServerBinaries(fakeInstall({ "15": false }))).toBeNull();
  });
});
