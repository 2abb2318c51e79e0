"use client";

import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { revealSecretAction } from "../actions";

export function SecretReveal({ endpointId }: { endpointId: string }) {
  const [secret, setSecret] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [loading, startLoading] = useTransition();

  return (
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
          onClick={() => startLoading(async () => setSecret((await revealSecretAction(endpointId)).secret))}
        >
          Reveal secret
        </Button>
      )}
    </div>
  );
}
