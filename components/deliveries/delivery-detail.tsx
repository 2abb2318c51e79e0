import Link from "next/link";
import type { FormAction } from "@/lib/actions";
import type { DeliveryDetail } from "@/lib/deliveries/queries";
import { AHEAD_COUNTED } from "@/lib/events/ordering";
import type { WaitingBehind } from "@/lib/store/fifo";
import { StatusBadge } from "@/components/ui/status-badge";
import { formatTime } from "@/components/format";
import { indentedBody } from "@/lib/json-text";
import { AutoRefresh } from "@/components/auto-refresh";
import { RetryButton } from "./retry-button";

function Headers({ headers }: { headers: Record<string, string> }) {
  return (
    <pre className="overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100">
      {Object.entries(headers)
        .map(([name, value]) => `${name}: ${value}`)
        .join("\n")}
    </pre>
  );
}

/** "1 delivery ahead", "3 deliveries ahead"; the count stops at AHEAD_COUNTED, shown as "10,000+". */
function aheadText(ahead: number): string {
  if (ahead >= AHEAD_COUNTED) return `${AHEAD_COUNTED.toLocaleString("en-US")}+ deliveries ahead`;
  return `${ahead.toLocaleString("en-US")} deliver${ahead === 1 ? "y" : "ies"} ahead`;
}

/** A delivery to a FIFO endpoint waiting its turn: pending with no next attempt time is expected here, not stuck. */
function WaitingNotice({ waiting, base }: { waiting: WaitingBehind; base: string }) {
  return (
    <div role="status" className="mt-4 space-y-1 rounded-md bg-sky-50 px-3 py-2 text-sm text-sky-800">
      <p>
        <span className="font-semibold">Waits behind</span>{" "}
        <Link href={`${base}/deliveries/${waiting.deliveryId}`} className="font-mono font-medium underline">
          {waiting.deliveryId}
        </Link>{" "}
        in ordering key {waiting.orderingKey === "" ? "(no key)" : <code className="break-all font-mono">{waiting.orderingKey}</code>}:{" "}
        {aheadText(waiting.ahead)}.
      </p>
      <p>This endpoint delivers in order (FIFO): this delivery is sent once the ones ahead of it have ended, succeeded or failed for good.</p>
    </div>
  );
}

/** Links to the attempts before the page's first, and back to the latest (when this page is not them). */
function AttemptPages({ delivery, href, latest }: { delivery: DeliveryDetail; href: string; latest: boolean }) {
  const first = delivery.attemptLog[0];
  if (latest && delivery.earlierAttempts === 0) return null;
  return (
    <nav aria-label="Attempt pages" className="flex flex-wrap items-center gap-4 text-sm">
      {delivery.earlierAttempts > 0 && (
        <>
          <span className="text-slate-600">
            {delivery.earlierAttempts.toLocaleString("en-US")} earlier attempt{delivery.earlierAttempts === 1 ? "" : "s"}
          </span>
          <Link href={`${href}?before=${first.number}`} className="text-indigo-700 underline">
            Earlier attempts
          </Link>
        </>
      )}
      {!latest && (
        <Link href={href} className="text-indigo-700 underline">
          Latest attempts
        </Link>
      )}
    </nav>
  );
}

/**
 * One delivery with its attempts, page by page (the latest first, ATTEMPTS_SHOWN a page), and
 * **Retry**: the dashboard's delivery page and a portal's. `base` is where the pages live ("" or
 * `/portal/<token>`); `retry` the action the button calls; `latest` whether the page holds the
 * latest attempts (not those before a `?before=` number).
 */
export function DeliveryDetailView({ delivery, base, retry, latest }: { delivery: DeliveryDetail; base: string; retry: FormAction; latest: boolean }) {
  const lastAttempt = delivery.attemptLog.at(-1);

  return (
    <div className="space-y-8">
      <AutoRefresh active={delivery.status === "pending" || delivery.status === "delivering"} />
      <div>
        <Link href={`${base}/deliveries`} className="text-sm text-indigo-700 underline">
          ← Deliveries
        </Link>
        <h1 className="mt-2 flex flex-wrap items-center gap-3 text-2xl font-semibold tracking-tight">
          {delivery.eventType} <StatusBadge status={delivery.status} />
        </h1>
        <dl className="mt-4 grid gap-x-8 gap-y-2 text-sm sm:grid-cols-2">
          <div>
            <dt className="text-slate-500">Delivery</dt>
            <dd className="font-mono">{delivery.id}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Event (webhook-id)</dt>
            <dd className="font-mono">{delivery.eventId}</dd>
          </div>
          <div>
            <dt className="text-slate-500">Endpoint</dt>
            <dd>
              <Link href={`${base}/endpoints/${delivery.endpointId}`} className="text-indigo-700 underline">
                {delivery.endpointName}
              </Link>{" "}
              <span className="font-mono text-slate-600">{delivery.endpointUrl}</span>
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Attempts</dt>
            <dd>
              {delivery.attempts}
              {delivery.nextAttemptAt && delivery.status === "pending" && <> · next at {formatTime(delivery.nextAttemptAt)}</>}
              {delivery.waitingBehind && <> · waiting its turn (FIFO)</>}
            </dd>
          </div>
        </dl>
        {delivery.waitingBehind && <WaitingNotice waiting={delivery.waitingBehind} base={base} />}
        <div className="mt-4">
          <RetryButton key={delivery.id} deliveryId={delivery.id} finished={delivery.status === "succeeded" || delivery.status === "failed"} retry={retry} />
        </div>
      </div>

      <section aria-labelledby="request-heading" className="space-y-3">
        <h2 id="request-heading" className="text-lg font-semibold">
          Request
        </h2>
        {lastAttempt && <Headers headers={lastAttempt.requestHeaders} />}
        <pre className="overflow-x-auto rounded-md bg-slate-100 p-3 font-mono text-xs">{indentedBody(delivery.requestBody)}</pre>
      </section>

      <section aria-labelledby="attempts-heading" className="space-y-3">
        <h2 id="attempts-heading" className="text-lg font-semibold">
          Attempts
        </h2>
        <AttemptPages delivery={delivery} href={`${base}/deliveries/${delivery.id}`} latest={latest} />
        {delivery.attemptLog.length === 0 ? (
          <p className="text-sm text-slate-600">
            {!latest
              ? "No earlier attempts."
              : delivery.waitingBehind
              ? "No attempt yet: it is sent once the deliveries ahead of it in its ordering key have ended."
              : "No attempt yet: the worker will pick this delivery up shortly."}
          </p>
        ) : (
          <ol className="space-y-4">
            {delivery.attemptLog.map((attempt) => (
              <li key={attempt.id} className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200">
                <h3 className="flex flex-wrap items-center gap-3 text-sm font-medium">
                  <span>Attempt {attempt.number}</span>
                  <span className="font-mono">{attempt.responseStatus ?? "no response"}</span>
                  <span className="text-slate-500">
                    {formatTime(attempt.startedAt)} · {attempt.durationMs} ms
                  </span>
                </h3>
                {attempt.error && <p className="mt-2 text-sm text-red-700">{attempt.error}</p>}
                {attempt.responseHeaders && (
                  <details className="mt-3">
                    <summary className="cursor-pointer text-sm text-slate-700">Response headers and body</summary>
                    <div className="mt-2 space-y-2">
                      <Headers headers={attempt.responseHeaders} />
                      <pre className="max-h-80 overflow-auto rounded-md bg-slate-100 p-3 font-mono text-xs">{attempt.responseBody || "(empty body)"}</pre>
                    </div>
                  </details>
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
