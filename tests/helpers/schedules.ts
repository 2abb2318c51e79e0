/** Direct set-up and inspection of schedules for the tests that run the ticker. */
import { afterEach } from "vitest";
import { sqlite } from "@/lib/db";
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

export function ticksOf(scheduleId: string): TickRow[] {
  return sqlite().prepare(`SELECT tickAt, firedAt, events FROM "ScheduleTick" WHERE scheduleId = ? ORDER BY tickAt`).all(scheduleId) as TickRow[];
}

/**
 * Schedules outlive a test's worker in the database: pause them all after each test, so the
 * next test's worker does not fire them.
 */
export function pauseSchedulesAfterEach(): void {
  afterEach(() => {
    sqlite().prepare(`UPDATE "Schedule" SET paused = 1, nextRunAt = NULL`).run();
  });
}
