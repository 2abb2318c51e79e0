/** Direct set-up and inspection of schedules for the tests that run the ticker. */
import { afterEach } from "vitest";
import { prisma } from "@/lib/db";
import { createSchedule, type ScheduleDto } from "@/lib/schedules/queries";
import { createScheduleSchema } from "@/lib/validations/schedule";

/** A schedule created as the API would (the body is validated first). */
export async function schedule(userId: string, body: Record<string, unknown>): Promise<ScheduleDto> {
  const created = await createSchedule(userId, createScheduleSchema.parse(body));
  if ("fieldErrors" in created) throw new Error(JSON.stringify(created.fieldErrors));
  return created;
}

export interface TickRow {
  tickAt: number;
  firedAt: number;
  events: number;
}

export async function ticksOf(scheduleId: string): Promise<TickRow[]> {
  const rows = await prisma.scheduleTick.findMany({ where: { scheduleId }, orderBy: { tickAt: "asc" }, select: { tickAt: true, firedAt: true, events: true } });
  return rows.map((row) => ({ tickAt: row.tickAt.getTime(), firedAt: row.firedAt.getTime(), events: row.events }));
}

/**
 * Schedules outlive a test's worker in the database: pause them all after each test, so the
 * next test's worker does not fire them.
 */
export function pauseSchedulesAfterEach(): void {
  afterEach(async () => {
    await prisma.schedule.updateMany({ data: { paused: true, nextRunAt: null } });
  });
}
