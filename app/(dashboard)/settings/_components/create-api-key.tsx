"use client";

import { useActionState, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { createApiKeyAction } from "../actions";

/** The one and only display of a new key: it exists in this component's state and nowhere else. */
function NewApiKey({ name, apiKey, onDone }: { name: string; apiKey: string; onDone: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<"idle" | "copied" | "manual">("idle");

  async function copyKey() {
    try {
      await navigator.clipboard.writeText(apiKey);
      setCopyState("copied");
    } catch {
      // No clipboard access (insecure origin, denied permission): leave the key selected instead.
      input.current?.select();
      setCopyState("manual");
    }
  }

  return (
    <section aria-labelledby="new-api-key-heading" className="rounded-lg border border-amber-300 bg-amber-50 p-4">
      <h3 id="new-api-key-heading" className="text-sm font-semibold text-amber-950">
        API key “{name}” created
      </h3>
      <p className="mt-1 text-sm text-amber-900">Copy it now and keep it somewhere safe: it will not be shown again.</p>
      <label htmlFor="new-api-key" className="mt-3 block text-sm font-medium text-amber-950">
        New API key
      </label>
      <div className="mt-1 flex flex-wrap items-center gap-2">
        <input
          ref={input}
          id="new-api-key"
          readOnly
          value={apiKey}
          spellCheck={false}
          autoComplete="off"
          onFocus={(event) => event.currentTarget.select()}
          className="w-full max-w-xl rounded-md border border-amber-300 bg-white px-3 py-2 font-mono text-sm"
        />
        <Button type="button" variant="secondary" onClick={copyKey}>
          Copy
        </Button>
        <Button type="button" variant="secondary" onClick={onDone}>
          Done
        </Button>
      </div>
      <p role="status" className="mt-2 text-sm text-amber-900 empty:mt-0">
        {copyState === "copied" && "Copied to the clipboard."}
        {copyState === "manual" && "Could not reach the clipboard: the key is selected, press Ctrl+C (⌘C) to copy it."}
      </p>
    </section>
  );
}

export function CreateApiKey() {
  const [state, formAction, pending] = useActionState(createApiKeyAction, {});
  const [dismissedKeyId, setDismissedKeyId] = useState<string | null>(null);
  const newKey = state.newKey && state.newKey.id !== dismissedKeyId ? state.newKey : null;
  // React resets the form after every submission: refill it only when it needs correcting.
  const failed = Boolean(state.fieldErrors || state.error);

  return (
    <div className="space-y-4">
      {newKey && <NewApiKey key={newKey.id} name={newKey.name} apiKey={newKey.key} onDone={() => setDismissedKeyId(newKey.id)} />}
      <form action={formAction} className="flex flex-wrap items-start gap-3" noValidate>
        <div className="w-full max-w-sm">
          <Field
            label="Name"
            name="name"
            required
            hint="What will use the key, e.g. “CI” or “orders service (production)”."
            defaultValue={failed ? state.values?.name : undefined}
            error={state.fieldErrors?.name}
          />
        </div>
        <Button type="submit" disabled={pending} className="sm:mt-6">
          Create API key
        </Button>
      </form>
      {state.error && (
        <p role="alert" className="text-sm text-red-700">
          {state.error}
        </p>
      )}
    </div>
  );
}
