// A receiver may answer with any bytes, U+0000 included. PostgreSQL's text cannot hold it: the
// attempt's insert failed, and because a failed batch is retried whole, the worker then recorded
// and claimed nothing ever again (found while testing db:copy). The body is stored with U+FFFD in
// its place, on both engines, and the worker carries on. Fails on PostgreSQL without the fix
// in lib/store/record-outcomes.ts (HOOKLINE_TEST_ENGINE=postgres).
import { describe, expect, it } from "vitest";
import { createEvent } from "@/lib/events/queries";
import { deliveryIdOf, finishedDelivery, newAccount, newEndpoint, setUpHarness } from "../helpers/harness";

const harness = setUpHarness();

describe("a response body with a NUL byte", () => {
  it("is recorded with U+FFFD in its place, and the worker goes on delivering", async () => {
    const nul = await harness.startReceiver([{ status: 200, body: "ok\u0000done" }]);
    const healthy = await harness.startReceiver([{ status: 200, body: "fine" }]);
    const account = await newAccount();
    const toNul = await newEndpoint(account.id, `${nul.url}nul`, "NUL");
    const toHealthy = await newEndpoint(account.id, `${healthy.url}ok`, "Healthy");
    harness.startWorker({ schedule: [0] });

    const first = await createEvent(account.id, { type: "order.created", payload: "{}" });
    const delivered = await finishedDelivery(account.id, await deliveryIdOf(first.id, toNul.id));
    expect(delivered.status).toBe("succeeded");
    expect(delivered.attemptLog.map((attempt) => attempt.responseBody)).toEqual(["ok\uFFFDdone"]);
    // The same worker still records and claims: the next event reaches both endpoints.
    const second = await createEvent(account.id, { type: "order.paid", payload: "{}" });
    expect((await finishedDelivery(account.id, await deliveryIdOf(second.id, toHealthy.id))).status).toBe("succeeded");
    expect((await finishedDelivery(account.id, await deliveryIdOf(second.id, toNul.id))).status).toBe("succeeded");
  });
});
