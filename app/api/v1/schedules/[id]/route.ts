import { apiRoute, json, methodNotAllowed, noContent, notFound, readJson } from "@/lib/api/http";
import { deleteSchedule, getSchedule, updateSchedule } from "@/lib/schedules/queries";
import { updateScheduleSchema } from "@/lib/validations/schedule";
import { scheduleFieldProblem } from "../problem";

type Params = { id: string };

export const GET = apiRoute<Params>(async ({ userId, params }) => {
  const schedule = await getSchedule(userId, params.id);
  if (!schedule) throw notFound("schedule");
  return json(schedule);
});

export const PATCH = apiRoute<Params>(async ({ request, userId, params }) => {
  const updated = await updateSchedule(userId, params.id, await readJson(request, updateScheduleSchema));
  if (!updated) throw notFound("schedule");
  if ("fieldErrors" in updated) throw scheduleFieldProblem(updated);
  return json(updated);
});

export const DELETE = apiRoute<Params>(async ({ userId, params }) => {
  if (!(await deleteSchedule(userId, params.id))) throw notFound("schedule");
  return noContent();
});

export const { POST, PUT, OPTIONS } = methodNotAllowed("GET", "PATCH", "DELETE");
