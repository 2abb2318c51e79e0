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

// A foreign key refused: SQLite's, PostgreSQL's, Prisma's.
const FOREIGN_KEY_REFUSED = new Set(["SQLITE_CONSTRAINT_FOREIGNKEY", "23503", "P2003"]);

/**
 * Runs a write that links to the consumer `uid` (found a moment before): if it was deleted
 * meanwhile, its foreign key refuses the write, which is answered as the unknown consumer it now
 * is, not as a server error.
 */
export async function whileConsumerExists<T>(uid: string | null | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (typeof uid === "string" && FOREIGN_KEY_REFUSED.has(String((error as { code?: unknown }).code))) throw unknownConsumer(uid);
    throw error;
  }
}
