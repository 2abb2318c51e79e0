/**
 * The API names consumers by their uid (SPEC §12); the store links them by id. An unknown uid in
 * a request body is that field's error (422), like any other invalid value.
 */
import { consumerIdOf } from "../consumers/queries";
import { ApiError } from "./http";

/** The answer for a consumer uid in the path that the account does not have. */
export const noSuchConsumer = () => new ApiError(404, "Not Found", "No consumer with this uid in this account.");

const unknownConsumer = (uid: string) =>
  new ApiError(422, "Unprocessable Content", "The request has invalid fields; see `errors`.", { errors: { consumer: [`No consumer with uid ${uid} in this account`] } });

/** `consumer` from a request body: undefined (not given) stays so, null is null, a uid becomes its id. */
export async function consumerIdFromBody(userId: string, uid: string | null | undefined): Promise<string | null | undefined> {
  if (uid === undefined || uid === null) return uid;
  const id = await consumerIdOf(userId, uid);
  if (id === null) throw unknownConsumer(uid);
  return id;
}
