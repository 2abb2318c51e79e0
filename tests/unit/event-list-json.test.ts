/**
 * eventListJson (lib/events/queries.ts) writes the API's event list with each event's stored data
 * text spliced in: the result must be exactly what JSON.stringify gives for the same page of
 * EventDtos (data parsed), whatever the data holds.
 */
import { describe, expect, it } from "vitest";
import { eventListJson, type EventRow } from "@/lib/events/queries";

const row = (data: unknown, extra: Partial<EventRow> = {}): EventRow => ({
  id: "msg_01JD0000000000000000000000",
  type: "order.created",
  payload: JSON.stringify(data),
  orderingKey: null,
  consumer: null,
  createdAt: new Date(Date.UTC(2026, 11, 2, 8, 0, 0, 123)),
  ...extra,
});

/** What JSON.stringify writes for the page, the data parsed from its text (the DTO the API documents). */
function expected(rows: EventRow[], nextCursor: string | null): string {
  const data = rows.map((event) => ({
    id: event.id,
    type: event.type,
    data: JSON.parse(event.payload),
    ...(event.orderingKey === null ? {} : { orderingKey: event.orderingKey }),
    ...(event.consumer === null ? {} : { consumer: event.consumer.uid }),
    createdAt: event.createdAt.toISOString(),
  }));
  return JSON.stringify({ data, nextCursor });
}

describe("eventListJson", () => {
  it("writes what JSON.stringify writes for the parsed page", () => {
    const rows = [
      row({ amount: 4200, currency: "EUR", nested: { list: [1, 2.5, -0, 1e21, null, true], empty: {} } }),
      row("just a string with \"quotes\", \\ and \u2028 and \ud83d\ude00", { id: "msg_2", type: "note.added", orderingKey: "customer-42" }),
      row(null, { id: "msg_3", consumer: { uid: "acme \"corp\"" } }),
      row([{ "__proto__": 1, "": "empty key", "ключ": "значение" }], { id: "msg_4", orderingKey: "k", consumer: { uid: "c" } }),
      row(0),
    ];
    expect(eventListJson({ data: rows, nextCursor: "msg_4" })).toBe(expected(rows, "msg_4"));
    expect(eventListJson({ data: rows.slice(0, 1), nextCursor: null })).toBe(expected(rows.slice(0, 1), null));
    expect(eventListJson({ data: [], nextCursor: null })).toBe('{"data":[],"nextCursor":null}');
  });
});
