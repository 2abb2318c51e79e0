import type { Metadata } from "next";
import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { listEndpoints } from "@/lib/endpoints/queries";
import { listSchedules } from "@/lib/schedules/queries";
import { formatTime } from "@/components/format";
import { StatusBadge } from "@/components/ui/status-badge";
import { AddSchedule } from "./_components/add-schedule";
import { timezoneNames } from "./_components/format";

export const metadata: Metadata = { title: "Schedules" };

export default async function SchedulesPage() {
  const user = await requireUser();
  const [schedules, endpoints] = await Promise.all([listSchedules(user.id), listEndpoints(user.id)]);
  const endpointNames = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint.name]));
  const choices = endpoints.map(({ id, name }) => ({ id, name }));
  const timezones = timezoneNames();

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Schedules</h1>
          <p className="mt-1 text-sm text-slate-600">Events Hookline sends by itself, on a cron schedule (seconds allowed).</p>
        </div>
        {schedules.length > 0 && <AddSchedule endpoints={choices} timezones={timezones} />}
      </div>
      {schedules.length === 0 ? (
        <div className="space-y-4">
          <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8 text-center">
            <h2 className="font-medium">No schedules yet</h2>
            <p className="mt-1 text-sm text-slate-600">
              {endpoints.length === 0 ? (
                <>
                  Schedules deliver to your endpoints: <Link href="/endpoints" className="text-indigo-700 underline">add an endpoint</Link> first, then
                  come back and start with the Hello ticker preset.
                </>
              ) : (
                "Add a schedule, or start with the Hello ticker preset: a greeting to every endpoint every 5 seconds."
              )}
            </p>
          </div>
          <AddSchedule endpoints={choices} timezones={timezones} startOpen={endpoints.length > 0} />
        </div>
      ) : (
        <ul className="divide-y divide-slate-200 overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
          {schedules.map((schedule) => (
            <li key={schedule.id}>
              <Link href={`/schedules/${schedule.id}`} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-5 py-4 hover:bg-slate-50">
                <span className="font-medium">{schedule.name}</span>
                <code className="font-mono text-sm text-slate-700">{schedule.cron}</code>
                <span className="text-sm text-slate-600">
                  {schedule.type} →{" "}
                  {schedule.endpointId ? (endpointNames.get(schedule.endpointId) ?? "deleted endpoint") : "all matching endpoints"}
                </span>
                <span className="min-w-0 flex-1 text-right text-sm text-slate-600">
                  {schedule.nextRunAt ? (
                    <>
                      Next: <time dateTime={schedule.nextRunAt}>{formatTime(schedule.nextRunAt)}</time>
                    </>
                  ) : null}
                </span>
                <StatusBadge status={schedule.paused ? "paused" : "active"} />
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
