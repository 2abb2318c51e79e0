import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { getEndpointSecret, listEndpoints } from "@/lib/endpoints/queries";
import { env } from "@/lib/env";
import { ownInboxEndpoint } from "@/lib/inbox/own-inbox";
import { inboxToken, listInboxRequests, verifyInboxSignature } from "@/lib/inbox/queries";
import { indentedBody, MAX_INDENTED_LENGTH_IN_LIST } from "@/lib/json-text";
import { AutoRefresh } from "@/components/auto-refresh";
import { Button } from "@/components/ui/button";
import { formatTime } from "@/components/format";
import { AddInboxEndpoint } from "./_components/add-inbox-endpoint";

export const metadata: Metadata = { title: "Inbox" };

/** The origin people reach this server at: the configured public URL, else this request's. */
async function ownOrigin(): Promise<string> {
  if (env.HOOKLINE_PUBLIC_URL) return new URL(env.HOOKLINE_PUBLIC_URL).origin;
  const request = await headers();
  const host = request.get("x-forwarded-host") ?? request.get("host") ?? `localhost:${env.PORT}`;
  return `${request.get("x-forwarded-proto") ?? "http"}://${host}`;
}

/** The inbox page's address with these parameters (the endpoint picked stays picked from page to page). */
function inboxHref(params: { endpoint?: string; before?: string }): string {
  const query = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString();
  return query ? `/inbox?${query}` : "/inbox";
}

export default async function InboxPage({ searchParams }: { searchParams: Promise<{ endpoint?: string; before?: string }> }) {
  const user = await requireUser();
  const params = await searchParams;
  // An id from the page's own "Older requests" link; anything else is only compared against ids.
  const before = typeof params.before === "string" && params.before.length <= 64 ? params.before : undefined;
  const [token, origin, { requests, olderCursor }, endpoints] = await Promise.all([inboxToken(user.id), ownOrigin(), listInboxRequests(user.id, { before }), listEndpoints(user.id)]);
  const url = `${origin}/api/inbox/${token}`;
  // Until the reader picks one (an empty choice included), signatures are checked with the
  // endpoint that delivers here, the one whose requests this page shows.
  const picked = typeof params.endpoint === "string" ? params.endpoint : undefined;
  const chosen = picked ?? ownInboxEndpoint(endpoints, token)?.id;
  const secret = chosen ? await getEndpointSecret(user.id, chosen) : null;

  return (
    <div className="space-y-6">
      <AutoRefresh active intervalMs={2000} />
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Inbox</h1>
        <p className="mt-1 text-sm text-slate-600">
          A receiver served by Hookline itself: point an endpoint here to see exactly what your customers will receive.
        </p>
      </div>
      <div className="space-y-3 rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <label htmlFor="inbox-url" className="block text-sm font-medium">
          Your inbox URL
        </label>
        <input id="inbox-url" readOnly value={url} className="block w-full rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm" />
        <AddInboxEndpoint url={url} />
      </div>

      <form className="flex flex-wrap items-end gap-3" aria-label="Check signatures">
        <div>
          <label htmlFor="verify-endpoint" className="block text-sm font-medium">
            Check signatures with the secret of
          </label>
          <select id="verify-endpoint" name="endpoint" defaultValue={chosen ?? ""} className="mt-1 block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm">
            <option value="">(no endpoint)</option>
            {endpoints.map((endpoint) => (
              <option key={endpoint.id} value={endpoint.id}>
                {endpoint.name}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" variant="secondary">
          Check
        </Button>
      </form>

      {requests.length === 0 ? (
        <p className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center text-sm text-slate-600">
          {before === undefined ? "Nothing received yet. Add the inbox as an endpoint, then send it a test event." : "No older requests."}
        </p>
      ) : (
        <ol className="space-y-4" aria-label="Received requests">
          {requests.map((request) => {
            const check = secret ? verifyInboxSignature(request, secret) : null;
            return (
              <li key={request.id} className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
                <div className="flex flex-wrap items-center gap-3 text-sm">
                  <span className="font-mono font-semibold">{request.method}</span>
                  <span className="font-mono text-slate-600">{request.headers["webhook-id"] ?? "(no webhook-id)"}</span>
                  <span className="text-slate-500">{formatTime(request.receivedAt)}</span>
                  {check &&
                    (check.valid ? (
                      <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800 ring-1 ring-emerald-600/20">signature valid</span>
                    ) : (
                      <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-800 ring-1 ring-red-600/20">signature invalid: {check.reason}</span>
                    ))}
                </div>
                <details className="mt-2">
                  <summary className="cursor-pointer text-sm text-slate-700">Headers</summary>
                  <pre className="mt-2 overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100">
                    {Object.entries(request.headers)
                      .map(([name, value]) => `${name}: ${value}`)
                      .join("\n")}
                  </pre>
                </details>
                <pre className="mt-2 max-h-80 overflow-auto rounded-md bg-slate-100 p-3 font-mono text-xs">{indentedBody(request.body, MAX_INDENTED_LENGTH_IN_LIST)}</pre>
              </li>
            );
          })}
        </ol>
      )}
      {(olderCursor !== null || before !== undefined) && (
        <nav aria-label="Inbox pages" className="flex flex-wrap gap-4 text-sm">
          {olderCursor !== null && (
            <Link href={inboxHref({ endpoint: picked, before: olderCursor })} className="text-indigo-700 underline">
              Older requests
            </Link>
          )}
          {before !== undefined && (
            <Link href={inboxHref({ endpoint: picked })} className="text-indigo-700 underline">
              Latest requests
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
