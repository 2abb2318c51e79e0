import { ApiError } from "@/lib/api/http";
import type { ScheduleFieldErrors } from "@/lib/schedules/queries";

/** Field errors only the database can tell (an endpointId from another account), as a 422. */
export function scheduleFieldProblem({ fieldErrors }: ScheduleFieldErrors): ApiError {
  const errors = Object.fromEntries(Object.entries(fieldErrors).map(([field, message]) => [field, [message]]));
  return new ApiError(422, "Unprocessable Content", "The request has invalid fields; see `errors`.", { errors });
}
