/**
 * Schedules, always read and written through the owning account (a foreign id behaves exactly
 * like one that does not exist). Writes keep `nextRunAt` true: the next tick after now for an
 * active schedule, null while paused; the ticker (ticker.ts) takes it from there.
 */
import { prisma } from "../db";
import { env } from "../env";
import { deliveryCounts } from "../events/queries";
import { newId } from "../ids";
import { QuotaExceededError } from "../quotas";
import { jsonWithRawFields, pageJson } from "../json-text";
import { pageWithinBudget } from "../page-budget";
import { store } from "../store/connection";
import { payloadSizes } from "../store/payload-sizes";
import { insertScheduleWithinQuota } from "../store/insert-within-quota";
import type { CreateScheduleInput, UpdateScheduleInput } from "../validations/schedule";
import { nextRunAfter, nextRunTimes } from "./cron";

export interface ScheduleDto {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  type: string;
  data: Record<string, unknown>;
  endpointId: string | null;
  paused: boolean;
  nextRunAt: string | null;
}

const dtoSelect = {
  id: true,
  name: true,
  cron: true,
  timezone: true,
  type: true,
  payload: true,
  endpointId: true,
  paused: true,
  nextRunAt: true,
} as const;

interface ScheduleRow {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  type: string;
  payload: string;
  endpointId: string | null;
  paused: boolean;
  nextRunAt: Date | null;
}

/** The schedule as the API shows it; `data` is its stored text parsed, unless given. */
function toDto({ payload, nextRunAt, ...row }: ScheduleRow, data = JSON.parse(payload) as Record<string, unknown>): ScheduleDto {
  return { id: row.id, name: row.name, cron: row.cron, timezone: row.timezone, type: row.type, data, endpointId: row.endpointId, paused: row.paused, nextRunAt: nextRunAt?.toISOString() ?? null };
}

/** Field errors that only the database can tell (the zod schemas check everything else). */
export type ScheduleFieldErrors = { fieldErrors: Record<string, string> };

const NO_SUCH_ENDPOINT = "No such endpoint in this account";

async function endpointProblem(userId: string, endpointId: string | null | undefined): Promise<ScheduleFieldErrors | null> {
  if (!endpointId) return null;
  const found = await prisma.endpoint.count({ where: { userId, id: endpointId, deletedAt: null } });
  return found ? null : { fieldErrors: { endpointId: NO_SUCH_ENDPOINT } };
}

function nextRun(cron: string, timezone: string, paused: boolean, now: number): Date | null {
  if (paused) return null;
  const next = nextRunAfter(cron, timezone, now);
  return next === null ? null : new Date(next);
}

/** A schedule as the dashboard's list shows it: everything but its data (up to 256 KiB each). */
export type ScheduleSummary = Omit<ScheduleDto, "data">;

const { payload: _data, ...summarySelect } = dtoSelect;

export async function listSchedules(userId: string): Promise<ScheduleSummary[]> {
  const rows = await prisma.schedule.findMany({ where: { userId }, select: summarySelect, orderBy: { id: "desc" } });
  return rows.map(({ nextRunAt, ...row }) => ({ ...row, nextRunAt: nextRunAt?.toISOString() ?? null }));
}

/**
 * A page of schedules, newest first (`id < cursor`), as the API's JSON text: sizes first, and
 * only the schedules within MAX_PAGE_DATA_BYTES read whole, their data written as stored
 * (50 schedules of 256 KiB were 12.5 MB per request, parsed and written again).
 */
export async function scheduleListJson(userId: string, page: { cursor?: string; limit?: number }): Promise<string> {
  const limit = page.limit ?? 50;
  const sizes = await payloadSizes(store(), "Schedule", { userId, cursor: page.cursor, limit: limit + 1 });
  const { ids, nextCursor } = pageWithinBudget(sizes, limit);
  const rows = ids.length ? await prisma.schedule.findMany({ where: { userId, id: { in: ids } }, select: dtoSelect, orderBy: { id: "desc" } }) : [];
  return pageJson(
    rows.map((row) => jsonWithRawFields(toDto(row, {}), { data: row.payload })),
    nextCursor,
  );
}

export async function getSchedule(userId: string, id: string): Promise<ScheduleDto | null> {
  const row = await prisma.schedule.findFirst({ where: { userId, id }, select: dtoSelect });
  return row ? toDto(row) : null;
}

/** Creates the schedule, or throws QuotaExceededError when the account has HOOKLINE_MAX_SCHEDULES already. */
export async function createSchedule(userId: string, input: CreateScheduleInput, now = Date.now()): Promise<ScheduleDto | ScheduleFieldErrors> {
  const problem = await endpointProblem(userId, input.endpointId);
  if (problem) return problem;
  const row: ScheduleRow = {
    id: newId("sch", now),
    name: input.name,
    cron: input.cron,
    timezone: input.timezone,
    type: input.type,
    payload: JSON.stringify(input.data),
    endpointId: input.endpointId ?? null,
    paused: input.paused,
    nextRunAt: nextRun(input.cron, input.timezone, input.paused, now),
  };
  const limit = env.HOOKLINE_MAX_SCHEDULES;
  const inserted = await insertScheduleWithinQuota(
    store(),
    { ...row, userId, nextRunAt: row.nextRunAt?.getTime() ?? null, now },
    limit,
  );
  if (!inserted) throw new QuotaExceededError("schedules", limit);
  return toDto(row);
}

/**
 * Changes the given fields. A new cron, timezone or resuming starts counting from now (ticks
 * that fell while paused are not fired); other edits leave the next tick where it was.
 */
export async function updateSchedule(
  userId: string,
  id: string,
  input: UpdateScheduleInput,
  now = Date.now(),
): Promise<ScheduleDto | ScheduleFieldErrors | null> {
  const current = await prisma.schedule.findFirst({ where: { userId, id }, select: { cron: true, timezone: true, paused: true } });
  if (!current) return null;
  const problem = await endpointProblem(userId, input.endpointId);
  if (problem) return problem;
  const cron = input.cron ?? current.cron;
  const timezone = input.timezone ?? current.timezone;
  const paused = input.paused ?? current.paused;
  const timing = cron !== current.cron || timezone !== current.timezone || paused !== current.paused;
  const { count } = await prisma.schedule.updateMany({
    where: { userId, id },
    data: {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.type !== undefined ? { type: input.type } : {}),
      ...(input.data !== undefined ? { payload: JSON.stringify(input.data) } : {}),
      ...(input.endpointId !== undefined ? { endpointId: input.endpointId } : {}),
      ...(timing ? { cron, timezone, paused, nextRunAt: nextRun(cron, timezone, paused, now) } : {}),
      updatedAt: new Date(now),
    },
  });
  if (!count) return null;
  return getSchedule(userId, id);
}

export async function setSchedulePaused(userId: string, id: string, paused: boolean, now = Date.now()): Promise<ScheduleDto | null> {
  const result = await updateSchedule(userId, id, { paused }, now);
  return result && "fieldErrors" in result ? null : result;
}

/** Deletes the schedule and its tick records; the events it made stay in the log. */
export async function deleteSchedule(userId: string, id: string): Promise<boolean> {
  const { count } = await prisma.schedule.deleteMany({ where: { userId, id } });
  return count > 0;
}

/** The schedule's next `count` run times from now (for the dashboard), in Unix ms. */
export function upcomingRuns(schedule: Pick<ScheduleDto, "cron" | "timezone" | "paused">, count = 5, now = Date.now()): number[] {
  if (schedule.paused) return [];
  return nextRunTimes(schedule.cron, schedule.timezone, now, count);
}

export interface ScheduleEventRow {
  id: string;
  type: string;
  createdAt: string;
  deliveries: number;
}

/** Events the schedule created, newest first. */
export async function listScheduleEvents(
  userId: string,
  scheduleId: string,
  page: { cursor?: string; limit?: number } = {},
): Promise<{ data: ScheduleEventRow[]; nextCursor: string | null }> {
  const limit = page.limit ?? 20;
  const rows = await prisma.event.findMany({
    where: { userId, scheduleId, ...(page.cursor ? { id: { lt: page.cursor } } : {}) },
    select: { id: true, type: true, createdAt: true },
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const counts = await deliveryCounts(rows.slice(0, limit).map((row) => row.id));
  const data = rows.slice(0, limit).map((row) => ({ id: row.id, type: row.type, createdAt: row.createdAt.toISOString(), deliveries: counts.get(row.id) ?? 0 }));
  return { data, nextCursor: rows.length > limit ? data[data.length - 1].id : null };
}
