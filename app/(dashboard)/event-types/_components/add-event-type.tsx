"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { EMPTY_EVENT_TYPE, EventTypeForm } from "./event-type-form";

export function AddEventType({ startOpen = false }: { startOpen?: boolean }) {
  const [open, setOpen] = useState(startOpen);
  if (!open) return <Button onClick={() => setOpen(true)}>Add event type</Button>;
  return (
    <section aria-labelledby="add-event-type-heading" className="w-full rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <h2 id="add-event-type-heading" className="text-base font-semibold">
        Add event type
      </h2>
      <p className="mt-1 mb-4 text-sm text-slate-600">Describe one kind of event your product sends: what it means, and the shape of its data.</p>
      <EventTypeForm mode="create" initial={EMPTY_EVENT_TYPE} onCancel={() => setOpen(false)} />
    </section>
  );
}
