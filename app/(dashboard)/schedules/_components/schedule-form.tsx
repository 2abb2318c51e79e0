"use client";

import { useActionState, useState } from "react";
import { useActionToast } from "@/components/toaster";
import { Button, FormFooter } from "@/components/ui/button";
import { Field, SelectField, TextAreaField } from "@/components/ui/field";
import type { ActionState } from "@/lib/actions";
import { HELLO_TICKER_PRESET } from "@/lib/schedules/template";
import { createScheduleAction, updateScheduleAction } from "../actions";

export interface ScheduleFormValues {
  name: string;
  cron: string;
  timezone: string;
  type: string;
  /** JSON text. */
  data: string;
  /** "" = all matching endpoints. */
  endpointId: string;
}

export const EMPTY_SCHEDULE: ScheduleFormValues = { name: "", cron: "", timezone: "UTC", type: "", data: "{}", endpointId: "" };

const HELLO_VALUES: ScheduleFormValues = {
  name: HELLO_TICKER_PRESET.name,
  cron: HELLO_TICKER_PRESET.cron,
  timezone: HELLO_TICKER_PRESET.timezone,
  type: HELLO_TICKER_PRESET.type,
  data: JSON.stringify(HELLO_TICKER_PRESET.data, null, 2),
  endpointId: "",
};

/**
 * The schedule's fields, for "Add schedule" and the schedule page's settings. The "Hello ticker"
 * button fills in the classic preset (the form is re-mounted with it as its starting values).
 */
export function ScheduleForm({
  mode,
  scheduleId,
  initial,
  endpoints,
  timezones,
  onCancel,
}: {
  mode: "create" | "edit";
  scheduleId?: string;
  initial: ScheduleFormValues;
  endpoints: Array<{ id: string; name: string }>;
  timezones: string[];
  onCancel?: () => void;
}) {
  const [state, formAction, pending] = useActionState<ActionState, FormData>(mode === "create" ? createScheduleAction : updateScheduleAction, {});
  useActionToast(state);
  // A preset applies until the next submission answers (then what was submitted shows again).
  const [preset, setPreset] = useState<{ over: ActionState; count: number } | null>(null);
  const presetActive = preset !== null && preset.over === state;
  const values: ScheduleFormValues = presetActive ? HELLO_VALUES : { ...initial, ...(state.values as Partial<ScheduleFormValues> | undefined) };
  const errors = presetActive ? {} : (state.fieldErrors ?? {});
  const dataHint = "A JSON object. Placeholders: {{time}} (the tick's time), {{endpoint.name}}, {{endpoint.id}}, {{schedule.name}}. With {{endpoint.…}} each endpoint gets its own event.";

  return (
    <form
      key={presetActive ? `preset-${preset.count}` : "form"}
      action={formAction}
      aria-label={mode === "create" ? "Add schedule" : "Schedule settings"}
      className="grid gap-4 sm:grid-cols-2"
      noValidate
    >
      {scheduleId && <input type="hidden" name="scheduleId" value={scheduleId} />}
      {mode === "create" && (
        <div className="flex flex-wrap items-center gap-3 rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-900 sm:col-span-2">
          <span>Start from a preset:</span>
          <Button type="button" variant="secondary" onClick={() => setPreset({ over: state, count: (preset?.count ?? 0) + 1 })}>
            Hello ticker
          </Button>
          <span className="text-xs text-indigo-800">“Hello &lt;endpoint name&gt;, current time is …” to every endpoint every 5 seconds.</span>
        </div>
      )}
      <Field label="Name" name="name" required placeholder="Nightly report" defaultValue={values.name} error={errors.name} />
      <Field label="Event type" name="type" required placeholder="report.daily" defaultValue={values.type} error={errors.type} />
      <Field
        label="Cron"
        name="cron"
        required
        placeholder="0 9 * * 1-5"
        defaultValue={values.cron}
        error={errors.cron}
        hint="Five fields (minute hour day month weekday), or six with seconds first: */5 * * * * * is every 5 seconds."
      />
      <div>
        <Field label="Timezone" name="timezone" list="timezone-options" autoComplete="off" defaultValue={values.timezone} error={errors.timezone} hint="An IANA name, e.g. UTC or Europe/Paris." />
        <datalist id="timezone-options">
          {timezones.map((zone) => (
            <option key={zone} value={zone} />
          ))}
        </datalist>
      </div>
      <div className="sm:col-span-2">
        <SelectField
          label="Endpoint"
          name="endpointId"
          defaultValue={values.endpointId}
          error={errors.endpointId}
          hint="All matching: every enabled endpoint whose event-type filter accepts the type."
        >
          <option value="">All matching endpoints</option>
          {endpoints.map((endpoint) => (
            <option key={endpoint.id} value={endpoint.id}>
              {endpoint.name}
            </option>
          ))}
          {values.endpointId && !endpoints.some((endpoint) => endpoint.id === values.endpointId) && <option value={values.endpointId}>Deleted endpoint</option>}
        </SelectField>
      </div>
      <div className="sm:col-span-2">
        <TextAreaField label="Data (JSON)" name="data" rows={5} defaultValue={values.data} error={errors.data} hint={dataHint} />
      </div>
      <FormFooter error={presetActive ? undefined : state.error} submitLabel={mode === "create" ? "Create schedule" : "Save changes"} pending={pending} onCancel={onCancel} />
    </form>
  );
}
