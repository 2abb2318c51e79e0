"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { EMPTY_SCHEDULE, ScheduleForm } from "./schedule-form";

export function AddSchedule({ endpoints, timezones, startOpen = false }: { endpoints: Array<{ id: string; name: string }>; timezones: string[]; startOpen?: boolean }) {
  const [open, setOpen] = useState(startOpen);
  if (!open) return <Button onClick={() => setOpen(true)}>Add schedule</Button>;
  return (
    <section aria-labelledby="add-schedule-heading" className="w-full rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="add-schedule-heading" className="text-base font-semibold">
        Add schedule
      </h2>
      <p className="mt-1 mb-4 text-sm text-slate-600">Hookline creates an event of this type on every tick and delivers it like any other.</p>
      <ScheduleForm mode="create" initial={EMPTY_SCHEDULE} endpoints={endpoints} timezones={timezones} onCancel={() => setOpen(false)} />
    </section>
  );
}
