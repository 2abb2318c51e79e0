// The PostgreSQL schema is prisma/schema.prisma with exactly two values changed (provider and
// client output), so the two generated clients cannot drift apart.
import { describe, expect, it } from "vitest";
import { DERIVED_HEADER, derivePostgresSchema, POSTGRES_CLIENT_OUTPUT, readSqliteSchema } from "@/lib/store/migrate/schema";

describe("derivePostgresSchema", () => {
  const sqlite = readSqliteSchema();
  const postgres = derivePostgresSchema(sqlite);

  it("changes the datasource provider and the client output, and nothing else", () => {
    expect(postgres.startsWith(DERIVED_HEADER)).toBe(true);
    const before = sqlite.split("\n");
    const after = postgres.slice(DERIVED_HEADER.length).split("\n");
    expect(after).toHaveLength(before.length);
    const changed = before.flatMap((line, i) => (line === after[i] ? [] : [[line.trim(), after[i].trim()]]));
    expect(changed).toEqual([
      ['output   = "../lib/generated/prisma"', `output   = "${POSTGRES_CLIENT_OUTPUT}"`],
      ['provider = "sqlite"', 'provider = "postgresql"'],
    ]);
  });

  it("leaves the generator's own provider alone", () => {
    expect(postgres).toMatch(/generator client \{\s*provider = "prisma-client"/);
  });

  it("refuses a schema without a datasource provider or a client output instead of guessing", () => {
    expect(() => derivePostgresSchema('generator client {\n  provider = "prisma-client"\n  output = "x"\n}\n')).toThrow(/no datasource block/);
    expect(() => derivePostgresSchema('generator client {\n  provider = "prisma-client"\n}\ndatasource db {\n  provider = "sqlite"\n}\n')).toThrow(
      /generator client block has no output/,
    );
  });

  it("keeps working when the blocks come in another order or spacing", () => {
    const schema = 'datasource db {\n    provider="sqlite"\n}\n\ngenerator client {\n  provider = "prisma-client"\n  output="../lib/generated/prisma"\n}\nmodel A {\n  id String @id\n  provider String\n}\n';
    expect(derivePostgresSchema(schema)).toBe(
      `${DERIVED_HEADER}datasource db {\n    provider="postgresql"\n}\n\ngenerator client {\n  provider = "prisma-client"\n  output="${POSTGRES_CLIENT_OUTPUT}"\n}\nmodel A {\n  id String @id\n  provider String\n}\n`,
    );
  });
});
