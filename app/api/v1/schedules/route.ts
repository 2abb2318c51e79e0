import { apiRoute, json, jsonText, methodNotAllowed, parseWith, queryOf, readJson } from "@/lib/api/http";
import { createSchedule, scheduleListJson } from "@/lib/schedules/queries";
import { createScheduleSchema, scheduleListQuerySchema } from "@/lib/validations/schedule";
import { scheduleFieldProblem } from "./problem";

export const GET = apiRoute(async ({ request, userId }) => jsonText(await scheduleListJson(userId, parseWith(scheduleListQuerySchema, queryOf(request)))));

export const POST = apiRoute(async ({ request, userId }) => {
  const created = await createSchedule(userId, await readJson(request, createScheduleSchema));
  if ("fieldErrors" in created) throw scheduleFieldProblem(created);
  return json(created, 201);
});

export const { PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed("GET", "POST");
