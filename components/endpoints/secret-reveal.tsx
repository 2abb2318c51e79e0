"use client";

import { useActionState, useState, useTransition } from "react";
import type { ActionState, FormAction } from "@/lib/actions";
import { useActionToast, useToast } from "@/components/toaster";
import { Button } from "@/components/ui/button";

/** The signing secret: hidden until asked for, copyable, and rotatable. */
export function SecretReveal({
  endpointId,
  revealSecret,
  rotateSecret,
}: {
  endpointId: string;
  /** Null: the endpoint no longer exists. */
  revealSecret: (endpointId: string) => Promise<{ secret: string | null }>;
  rotateSecret: FormAction;
}) {
  const [rotation, rotate, rotating] = useActionState(rotateSecret, {});
  useActionToast(rotation);
  // A revealed secret belongs to the rotation state it was revealed under: once the secret is
  // rotated it is stale and hidden, so "Reveal" fetches the new one.
  const [revealed, setRevealed] = useState<{ value: string; under: ActionState } | null>(null);
  const secret = revealed?.under === rotation ? revealed.value : null;
  const setSecret = (value: string | null) => setRevealed(value ? { value, under: rotation } : null);
  const [copied, setCopied] = useState(false);
  const [loading, startLoading] = useTransition();
  const toast = useToast();
  // Nothing on the page can hold this error (the button only asks): it is a toast that stays
  // until closed.
  const reveal = () =>
    startLoading(async () => {
      const { secret: revealedSecret } = await revealSecret(endpointId).catch(() => ({ secret: undefined }));
      if (revealedSecret) setSecret(revealedSecret);
      else if (revealedSecret === null) toast("This endpoint no longer exists (deleted elsewhere), so there is no secret to show.", "error");
      else toast("Could not reach Hookline to reveal the secret. Try again in a moment.", "error");
    });

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        {secret ? (
          <input
            readOnly
            aria-label="Signing secret"
            value={secret}
            onFocus={(event) => event.currentTarget.select()}
            className="w-full max-w-md rounded border border-slate-300 bg-slate-50 px-2 py-1 font-mono text-sm"
          />
        ) : (
          <code className="rounded bg-slate-100 px-2 py-1 font-mono text-sm text-slate-600">whsec_••••••••••••••••••••••••</code>
        )}
        {secret ? (
          <>
            <Button
              type="button"
              variant="secondary"
              onClick={async () => {
                await navigator.clipboard?.writeText(secret);
                setCopied(true);
              }}
            >
              {copied ? "Copied" : "Copy"}
            </Button>
            <Button type="button" variant="secondary" onClick={() => setSecret(null)}>
              Hide secret
            </Button>
          </>
        ) : (
          <Button
            type="button"
            variant="secondary"
            disabled={loading}
            onClick={reveal}
          >
            Reveal secret
          </Button>
        )}
        <form action={rotate}>
          <input type="hidden" name="endpointId" value={endpointId} />
          <Button type="submit" variant="secondary" disabled={rotating}>
            Rotate secret
          </Button>
        </form>
      </div>
      {rotation.error && (
        <p role="alert" className="text-sm text-red-700">
          {rotation.error}
        </p>
      )}
    </div>
  );
}
