/**
 * `npm run db:copy -- --to postgres://… [--from file:…]`: moves a SQLite Hookline database up to
 * an empty PostgreSQL database (the upgrade path to many machines, SPEC §9). The source defaults
 * to DATABASE_URL. Everything the copy does and refuses is in lib/store/copy.ts; this prints the
 * per-table report and the next step. Exit codes: 0 copied and verified, 1 refused or failed
 * (the target is left without Hookline rows), 2 usage.
 */
import { parseArgs } from "node:util";

const USAGE = `Usage: npm run db:copy -- --to postgres://user:password@host:5432/database [--from file:./data/hookline.db]
Copies a SQLite Hookline database (default: DATABASE_URL) into an empty PostgreSQL database.`;

async function main() {
  let values;
  try {
    ({ values } = parseArgs({ options: { from: { type: "string" }, to: { type: "string" }, help: { type: "boolean", short: "h" } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    return;
  }
  if (!values.to) {
    console.error(USAGE);
    process.exit(2);
  }
    const { copyRefusal, copySqliteToPostgres, formatCopyReport, CopyRefused } = await import("../lib/store/copy");
  const { env } = await import("../lib/env");
  const from = values.from ?? env.DATABASE_URL;
  const refusal = copyRefusal(from, values.to);
  if (refusal) {
    console.error(`db:copy refused: ${refusal}`);
    process.exit(1);
  }
  const { redactUrl } = await import("../lib/store/migrate/postgres");
  console.log(`Copying ${from} into ${redactUrl(values.to)} …`);
  try {
    const report = await copySqliteToPostgres({ from, to: values.to, log: (line) => console.log(`  ${line}`) });
    console.log(`\n${formatCopyReport(report)}\n`);
    console.log(`Copied and verified in ${(report.elapsedMs / 1000).toFixed(1)} s: every row count and checksum matches.`);
    for (const table of report.tables.filter((entry) => entry.nulReplaced)) {
      console.log(`Note: ${table.nulReplaced} text value(s) of ${table.table} held U+0000, which PostgreSQL cannot store: copied with U+FFFD in its place.`);
    }
    if (report.sourceChangedDuringCopy) {
      console.log(
        "\nWarning: the SQLite database was written while it was being copied (a server or worker is still running on it). " +
          "The copy is the database as it was when the copy began; later writes are not in PostgreSQL. " +
          "To move everything: stop Hookline, create a new empty PostgreSQL database and copy again.",
      );
    }
    console.log(
      `\nNext: stop Hookline on SQLite if it still runs, then start it on PostgreSQL:\n` +
        `  DATABASE_URL='${redactUrl(values.to)}' npm start\n` +
        "(and every `npm run worker` with the same DATABASE_URL). Keep the SQLite file until you are satisfied: it was not changed.",
    );
  } catch (error) {
    if (error instanceof CopyRefused) {
      console.error(`db:copy refused: ${error.message}`);
    } else {
      console.error(`db:copy failed, nothing was committed to PostgreSQL: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
