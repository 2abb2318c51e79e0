import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { listConsumers } from "@/lib/consumers/queries";
import { listEndpoints } from "@/lib/endpoints/queries";
import { consumerListQuerySchema } from "@/lib/validations/consumer";
import { AddConsumer } from "./_components/add-consumer";

export const metadata: Metadata = { title: "Consumers" };

/** How many endpoints each consumer has: the account's endpoints are few (HOOKLINE_MAX_ENDPOINTS), so counted here. */
function endpointCounts(endpoints: Array<{ consumer: string | null }>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { consumer } of endpoints) if (consumer !== null) counts.set(consumer, (counts.get(consumer) ?? 0) + 1);
  return counts;
}

export default async function ConsumersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  // Pages in uid order: the cursor is the last uid shown; one that is not valid shows the first page.
  const cursorParam = (await searchParams).cursor;
  const cursor = consumerListQuerySchema.shape.cursor.safeParse(typeof cursorParam === "string" ? cursorParam : undefined).data;
  const [page, endpoints] = await Promise.all([listConsumers(user.id, { cursor }), listEndpoints(user.id)]);
  const counts = endpointCounts(endpoints);
  const empty = page.data.length === 0 && !cursor;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Consumers</h1>
          <p className="mt-1 text-sm text-slate-600">Your own customers, each with endpoints of their own. An event sent for a consumer goes to its endpoints only.</p>
        </div>
        {!empty && <AddConsumer />}
      </div>
      {empty ? (
        <div className="space-y-4">
          <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center">
            <h2 className="font-medium">No consumers yet</h2>
            <p className="mx-auto mt-1 max-w-2xl text-sm text-slate-600">
              Add a consumer for each customer that receives webhooks from your product, then move their endpoints to it from the endpoint&apos;s settings.
              Events sent with the consumer&apos;s uid go to its endpoints only; events without one go to your account-level endpoints.
            </p>
          </div>
          <AddConsumer startOpen />
        </div>
      ) : (
        <>
          <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-3">
                    UID
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Name
                  </th>
                  <th scope="col" className="px-4 py-3">
                    Endpoints
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {page.data.length === 0 ? (
                  <tr>
                    <td colSpan={3} className="px-4 py-8 text-center text-slate-600">
                      No more consumers.
                    </td>
                  </tr>
                ) : (
                  page.data.map((consumer) => (
                    <tr key={consumer.uid} className="hover:bg-slate-50">
                      <td className="px-4 py-3">
                        <Link href={`/consumers/${encodeURIComponent(consumer.uid)}`} className="font-mono font-medium text-indigo-700 hover:underline">
                          {consumer.uid}
                        </Link>
                      </td>
                      <td className="px-4 py-3 text-slate-700">{consumer.name}</td>
                      <td className="whitespace-nowrap px-4 py-3 tabular-nums text-slate-700">{counts.get(consumer.uid) ?? 0}</td>
                    </tr>
                  ))
                )}
              </tbody>
            </table>
          </div>
          <div className="flex gap-4">
            {cursor && (
              <Link href="/consumers" className="text-sm font-medium text-indigo-700 underline">
                First consumers
              </Link>
            )}
            {page.nextCursor && (
              <Link href={`?${new URLSearchParams({ cursor: page.nextCursor })}`} className="text-sm font-medium text-indigo-700 underline">
                More consumers
              </Link>
            )}
          </div>
        </>
      )}
    </div>
  );
}
