/**
 * `npm run bench:log`'s set-up for one database, in its own process (lib/env.ts reads
 * DATABASE_URL once, and the bench fills two databases): seeds it with scripts/seed-demo.ts's
 * history (`--deliveries N`, 20 endpoints over 30 days), then gives the account one paused
 * schedule and marks the newest 25 events as its ticks, so the schedule page has a history to
 * list. Sends `{ userId, email, password }` to its parent over IPC and exits.
 */
import { parseArgs } from "node:util";
import { seedDemo } from "../seed-demo";

export const SEED_EMAIL = "bench@hookline.test";
export const SEED_PASSWORD = "demo-password";

async function main() {
  const { values } = parseArgs({ options: { deliveries: { type: "string" } }, strict: false });
  const { userId } = await seedDemo({ deliveries: Number(values.deliveries), endpoints: 20, days: 30, email: SEED_EMAIL });
  const { prisma } = await import("../../lib/db");
  const { createSchedule } = await import("../../lib/schedules/queries");
  const schedule = await createSchedule(userId, { name: "Nightly report", cron: "0 3 * * *", timezone: "UTC", type: "report.daily", data: {}, endpointId: null, paused: true });
  if ("fieldErrors" in schedule) throw new Error(`schedule: ${JSON.stringify(schedule.fieldErrors)}`);
  const newest = await prisma.event.findMany({ where: { userId }, select: { id: true }, orderBy: { id: "desc" }, take: 25 });
  await prisma.event.updateMany({ where: { id: { in: newest.map((event) => event.id) } }, data: { scheduleId: schedule.id } });
  process.send!({ userId, email: SEED_EMAIL, password: SEED_PASSWORD }, () => process.exit(0));
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
