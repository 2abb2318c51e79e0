import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/current-user";
import { getConsumer } from "@/lib/consumers/queries";
import { listEndpoints } from "@/lib/endpoints/queries";
import { formatTime } from "@/components/format";
import { EndpointList } from "@/components/endpoints/endpoint-list";
import { ConsumerControls } from "../_components/consumer-controls";
import { ConsumerNameForm } from "../_components/consumer-name-form";
import { PortalLink } from "../_components/portal-link";

export const metadata: Metadata = { title: "Consumer" };

export default async function ConsumerPage({ params }: { params: Promise<{ uid: string }> }) {
  const user = await requireUser();
  const consumer = await getConsumer(user.id, (await params).uid);
  if (!consumer) notFound();
  const endpoints = (await listEndpoints(user.id)).filter((endpoint) => endpoint.consumer === consumer.uid);

  return (
    <div className="space-y-8">
      <div>
        <Link href="/consumers" className="text-sm text-indigo-700 underline">
          ← Consumers
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">{consumer.name}</h1>
        <p className="mt-1 text-sm text-slate-600">
          UID <code className="font-mono text-slate-800">{consumer.uid}</code> · added {formatTime(consumer.createdAt)}
        </p>
      </div>

      <ConsumerControls uid={consumer.uid} endpointCount={endpoints.length} />

      <section aria-labelledby="endpoints-heading" className="space-y-3">
        <h2 id="endpoints-heading" className="text-lg font-semibold">
          Endpoints
        </h2>
        <p className="text-sm text-slate-600">
          Events sent with <code className="font-mono">consumer: &quot;{consumer.uid}&quot;</code> go to these endpoints only.
        </p>
        {endpoints.length === 0 ? (
          <div className="rounded-xl border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">
            No endpoints yet. Choose this consumer under Consumer in an{" "}
            <Link href="/endpoints" className="text-indigo-700 underline">
              endpoint&apos;s
            </Link>{" "}
            settings, or create one through the API with <code className="font-mono">&quot;consumer&quot;: &quot;{consumer.uid}&quot;</code>.
          </div>
        ) : (
          <EndpointList endpoints={endpoints} />
        )}
      </section>

      <section aria-labelledby="portal-heading" className="space-y-3">
        <h2 id="portal-heading" className="text-lg font-semibold">
          Endpoint portal
        </h2>
        <p className="max-w-3xl text-sm text-slate-600">
          A portal link signs this customer in to pages where they manage their own endpoints and see their deliveries, and
          nothing else of your account. Whoever has the link is signed in until it expires, so send it only to them, or open it
          from your own app. The portal shows the brand set in{" "}
          <Link href="/settings" className="text-indigo-700 underline">
            Settings
          </Link>
          . Revoking ends every link and every portal session of this consumer at once.
        </p>
        <PortalLink uid={consumer.uid} />
      </section>

      <section aria-labelledby="rename-heading" className="space-y-3">
        <h2 id="rename-heading" className="text-lg font-semibold">
          Rename
        </h2>
        <ConsumerNameForm uid={consumer.uid} name={consumer.name} />
      </section>
    </div>
  );
}
