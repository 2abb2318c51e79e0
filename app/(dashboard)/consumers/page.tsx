import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { listConsumers } from "@/lib/consumers/queries";
import { listEndpoints } from "@/lib/endpoints/queries";
import { consumerListQuerySchema } from "@/lib/validations/consumer";
import { KeyedListPage } from "@/components/keyed-list-page";
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

  return (
    <KeyedListPage
      title="Consumers"
      intro="Your own customers, each with endpoints of their own. An event sent for a consumer goes to its endpoints only."
      add={<AddConsumer />}
      addOpen={<AddConsumer startOpen />}
      emptyTitle="No consumers yet"
      emptyText={
        <>
          Add a consumer for each customer that receives webhooks from your product, then move their endpoints to it from the endpoint&apos;s settings.
          Events sent with the consumer&apos;s uid go to its endpoints only; events without one go to your account-level endpoints.
        </>
      }
      columns={["UID", "Name", "Endpoints"]}
      rows={page.data.map((consumer) => (
        <tr key={consumer.uid} className="hover:bg-slate-50">
          <td className="px-4 py-3">
            <Link href={`/consumers/${encodeURIComponent(consumer.uid)}`} className="font-mono font-medium text-indigo-700 hover:underline">
              {consumer.uid}
            </Link>
          </td>
          <td className="px-4 py-3 text-slate-700">{consumer.name}</td>
          <td className="whitespace-nowrap px-4 py-3 tabular-nums text-slate-700">{counts.get(consumer.uid) ?? 0}</td>
        </tr>
      ))}
      cursor={cursor}
      nextCursor={page.nextCursor}
      path="/consumers"
      plural="consumers"
    />
  );
}
