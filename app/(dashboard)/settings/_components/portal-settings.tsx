"use client";

import { useActionState, useState } from "react";
import { useActionToast } from "@/components/toaster";
import { FormFooter } from "@/components/ui/button";
import { Field, TextAreaField } from "@/components/ui/field";
import type { PortalSettingsDto } from "@/lib/portal/queries";
import { updatePortalSettingsAction } from "../actions";

const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;
/** The portal's own accent (indigo-600), what an account without one gets. */
const DEFAULT_ACCENT = "#4f46e5";

/**
 * The text field is what is submitted (and what errors point at); the picker beside it only
 * writes into it, and shows the typed colour once it is a whole hex colour.
 */
function AccentColour({ initial, error }: { initial: string; error?: string }) {
  const [text, setText] = useState(initial);
  return (
    <div className="flex items-start gap-2">
      <div className="flex-1">
        <Field
          label="Accent colour"
          name="accentColor"
          placeholder={DEFAULT_ACCENT}
          autoComplete="off"
          spellCheck={false}
          className="font-mono"
          value={text}
          onChange={(event) => setText(event.target.value)}
          hint="The portal's buttons and top stripe, as #rrggbb, dark enough for white text. Empty: Hookline's indigo."
          error={error}
        />
      </div>
      <input
        type="color"
        aria-label="Colour picker"
        value={HEX_COLOUR.test(text) ? text.toLowerCase() : DEFAULT_ACCENT}
        onChange={(event) => setText(event.target.value)}
        className="mt-6 h-10 w-12 shrink-0 cursor-pointer rounded-md border border-slate-300 bg-white p-1"
      />
    </div>
  );
}

export function PortalSettings({ settings, labelledBy }: { settings: PortalSettingsDto; labelledBy: string }) {
  const [state, formAction, pending] = useActionState(updatePortalSettingsAction, {});
  useActionToast(state);
  // After an error the form shows what was typed; after a save, the settings as stored (the page
  // is revalidated), which are normalised: colour lower-cased, origins one per line, deduplicated.
  const failed = Boolean(state.fieldErrors || state.error);
  const value = (field: string, saved: string) => (failed ? (state.values?.[field] ?? saved) : saved);
  const accent = value("accentColor", settings.accentColor ?? "");
  return (
    <form action={formAction} aria-labelledby={labelledBy} className="grid gap-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200 sm:grid-cols-2" noValidate>
      <Field
        label="Brand name"
        name="brandName"
        autoComplete="organization"
        placeholder="Acme"
        defaultValue={value("brandName", settings.brandName ?? "")}
        hint="Shown at the top of the portal instead of “Hookline”."
        error={state.fieldErrors?.brandName}
      />
      {/* Keyed by its starting text: the picker's state starts again from what was stored or typed. */}
      <AccentColour key={accent} initial={accent} error={state.fieldErrors?.accentColor} />
      <div className="sm:col-span-2">
        <Field
          label="Logo URL"
          name="logoUrl"
          type="url"
          autoComplete="off"
          placeholder="https://example.com/logo.svg"
          defaultValue={value("logoUrl", settings.logoUrl ?? "")}
          hint="An http or https address of an image, shown beside the brand name."
          error={state.fieldErrors?.logoUrl}
        />
      </div>
      <div className="sm:col-span-2">
        <TextAreaField
          label="Allowed origins"
          name="allowedOrigins"
          rows={4}
          placeholder="https://app.example.com"
          defaultValue={value("allowedOrigins", settings.allowedOrigins.join("\n"))}
          hint="One per line, like https://app.example.com (a port if any, no path); https://*.example.com allows every subdomain. Empty: the portal cannot be embedded anywhere."
          error={state.fieldErrors?.allowedOrigins}
        />
      </div>
      <FormFooter error={state.error} submitLabel="Save portal settings" pending={pending} />
    </form>
  );
}
