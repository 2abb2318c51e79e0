import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUser } from "@/lib/auth/current-user";
import { listEndpoints } from "@/lib/endpoints/queries";
import { getSchedule, listScheduleEvents, upcomingRuns } from "@/lib/schedules/queries";
import { indentedJson } from "@/lib/json-text";
import { namesEndpoint } from "@/lib/schedules/template";
import { AutoRefresh } from "@/components/auto-refresh";
import { formatTime } from "@/components/format";
import { StatusBadge } from "@/components/ui/status-badge";
import { formatInZone, timezoneNames } from "../_components/format";
import { EventTable } from "../../events/_components/event-table";
import { ScheduleControls } from "../_components/schedule-controls";
import { ScheduleForm } from "../_components/schedule-form";

export const metadata: Metadata = { title: "Schedule" };

export default async function SchedulePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const schedule = await getSchedule(user.id, (await params).id);
  if (!schedule) notFound();
  const cursorParam = (await searchParams).cursor;
  const cursor = typeof cursorParam === "string" && cursorParam.length <= 64 ? cursorParam : undefined;
  const [endpoints, events] = await Promise.all([listEndpoints(user.id), listScheduleEvents(user.id, schedule.id, { cursor })]);
  const target = schedule.endpointId ? endpoints.find((endpoint) => endpoint.id === schedule.endpointId) : null;
  const runs = upcomingRuns(schedule);

  return (
    <div className="space-y-8">
      {/* New ticks show up on their own (an older page of events stays put). */}
      <AutoRefresh active={!schedule.paused && !cursor} intervalMs={5000} />
      <div>
        <Link href="/schedules" className="text-sm text-indigo-700 underline">
          ← Schedules
        </Link>
        <h1 className="mt-2 flex flex-wrap items-center gap-3 text-2xl font-semibold tracking-tight">
          {schedule.name} <StatusBadge status={schedule.paused ? "paused" : "active"} />
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          <code className="font-mono text-slate-800">{schedule.cron}</code> in {schedule.timezone} · creates <code className="font-mono">{schedule.type}</code> events for{" "}
          {schedule.endpointId ? (
            target ? (
              <Link href={`/endpoints/${target.id}`} className="text-indigo-700 underline">
                {target.name}
              </Link>
            ) : (
              "a deleted endpoint (nothing is delivered)"
            )
          ) : (
            "all matching endpoints"
          )}
          {namesEndpoint(schedule.data) && " (one event per endpoint: the data names it)"}
        </p>
      </div>

      <ScheduleControls key={String(schedule.paused)} scheduleId={schedule.id} paused={schedule.paused} />

      <section aria-labelledby="runs-heading" className="space-y-2">
        <h2 id="runs-heading" className="text-lg font-semibold">
          Next runs
        </h2>
        {runs.length === 0 ? (
          <p className="text-sm text-slate-600">{schedule.paused ? "Paused: no runs until you resume it." : "This expression never runs again."}</p>
        ) : (
          <ol aria-label="Next 5 run times" className="space-y-1 text-sm">
            {runs.map((run) => {
              const iso = new Date(run).toISOString();
              return (
                <li key={run} className="tabular-nums">
                  <time dateTime={iso}>{formatTime(iso)}</time>
                  {schedule.timezone !== "UTC" && <span className="text-slate-500"> · {formatInZone(run, schedule.timezone)} {schedule.timezone}</span>}
                </li>
              );
            })}
          </ol>
        )}
      </section>

      <section aria-labelledby="settings-heading" className="space-y-3">
        <h2 id="settings-heading" className="text-lg font-semibold">
          Settings
        </h2>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <ScheduleForm
            mode="edit"
            scheduleId={schedule.id}
            initial={{
              name: schedule.name,
              cron: schedule.cron,
              timezone: schedule.timezone,
              type: schedule.type,
              data: indentedJson(schedule.data).text,
              endpointId: schedule.endpointId ?? "",
            }}
            endpoints={endpoints.map(({ id, name }) => ({ id, name }))}
            timezones={timezoneNames()}
          />
        </div>
      </section>

      <section aria-labelledby="events-heading" className="space-y-3">
        <h2 id="events-heading" className="text-lg font-semibold">
          Events it created
        </h2>
        <EventTable
          page={events}
          emptyText={runs.length ? `No events yet: the first tick is at ${formatTime(new Date(runs[0]).toISOString())}.` : "No events yet."}
          olderHref={(cursor) => `?${new URLSearchParams({ cursor })}`}
        />
      </section>
    </div>
  );
}
