import { ApiError } from "@/lib/api/http";
import type { EventTypeProblem } from "@/lib/event-types/queries";

/** What only the catalog can tell: a name taken (409), an example that does not match its schema (422). */
export function eventTypeProblem(problem: EventTypeProblem): ApiError {
  if ("conflict" in problem) return new ApiError(409, "Conflict", problem.conflict);
  return new ApiError(422, "Unprocessable Content", "The example does not match the schema; see `errors`.", { errors: problem.fieldErrors });
}
