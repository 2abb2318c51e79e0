"use client";

import { useActionState, useRef, useState } from "react";
import { ConfirmDelete } from "@/components/confirm-delete";
import { formatTime } from "@/components/format";
import { ActionFeedback } from "@/components/toaster";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { createPortalLinkAction, revokePortalLinksAction, type CreatePortalLinkState } from "../actions";

/** The lifetimes offered, in seconds (the API takes any from 60 s to 7 days). */
const LIFETIMES = [
  { seconds: 3600, label: "1 hour" },
  { seconds: 86400, label: "1 day" },
  { seconds: 604800, label: "7 days" },
];

/** The link just created: it exists in this component's state and nowhere else. */
function NewPortalLink({ url, expiresAt }: { url: string; expiresAt: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [copyState, setCopyState] = useState<"idle" | "copied" | "manual">("idle");

  async function copyLink() {
    try {
      await navigator.clipboard.writeText(url);
      setCopyState("copied");
    } catch {
      // No clipboard access (insecure origin, denied permission): leave the link selected instead.
      input.current?.select();
      setCopyState("manual");
    }
  }

  return (
    <div className="rounded-lg border border-slate-200 bg-slate-50 p-4">
      <label htmlFor="portal-link" className="block text-sm font-medium text-slate-800">
        Portal link
      </label>
      <div className="mt-1 flex flex-wrap items-center gap-2">
        <input
          ref={input}
          id="portal-link"
          readOnly
          value={url}
          spellCheck={false}
          autoComplete="off"
          aria-describedby="portal-link-expiry"
          onFocus={(event) => event.currentTarget.select()}
          className="w-full max-w-2xl rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm"
        />
        <Button type="button" variant="secondary" onClick={copyLink}>
          Copy
        </Button>
        <a
          href={url}
          target="_blank"
          rel="noopener noreferrer"
          className="rounded-md px-3 py-2 text-sm font-medium text-indigo-700 underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
        >
          Open portal
        </a>
      </div>
      <p id="portal-link-expiry" className="mt-2 text-sm text-slate-600">
        Expires <time dateTime={expiresAt}>{formatTime(expiresAt)}</time>. Send it to the customer over a channel you trust.
      </p>
      <p role="status" className="mt-2 text-sm text-slate-700 empty:mt-0">
        {copyState === "copied" && "Copied to the clipboard."}
        {copyState === "manual" && "Could not reach the clipboard: the link is selected, press Ctrl+C (⌘C) to copy it."}
      </p>
    </div>
  );
}

/** Creates sign-in links to the consumer's endpoint portal, and revokes them all. */
export function PortalLink({ uid }: { uid: string }) {
  const [created, create, creating] = useActionState(createPortalLinkAction, {});
  const [revoked, revoke, revoking] = useActionState(revokePortalLinksAction, {});
  // A revocation hides the link created before it (it no longer opens anything) and closes its
  // confirmation (a new key: a fresh ConfirmDelete); a link created afterwards is a new state, so
  // it shows. Adjusted while rendering, when the revocation's result arrives (React's "adjust
  // state when a prop changes").
  const [revocationSeen, setRevocationSeen] = useState(revoked);
  const [revokedLink, setRevokedLink] = useState<CreatePortalLinkState | null>(null);
  const [revocations, setRevocations] = useState(0);
  if (revocationSeen !== revoked) {
    setRevocationSeen(revoked);
    if (revoked.message) {
      setRevokedLink(created);
      setRevocations(revocations + 1);
    }
  }
  const link = created.link && created !== revokedLink ? created.link : null;

  return (
    <div className="space-y-4 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <form action={create} aria-label="Create portal link" className="flex flex-wrap items-end gap-3" noValidate>
        <input type="hidden" name="uid" value={uid} />
        <div className="w-full max-w-xs">
          <SelectField label="Link lifetime" name="expiresIn" defaultValue={created.values?.expiresIn ?? "3600"} error={created.fieldErrors?.expiresIn}>
            {LIFETIMES.map(({ seconds, label }) => (
              <option key={seconds} value={seconds}>
                {label}
              </option>
            ))}
          </SelectField>
        </div>
        <Button type="submit" disabled={creating}>
          Create portal link
        </Button>
      </form>
      {created.error && (
        <p role="alert" className="text-sm text-red-700">
          {created.error}
        </p>
      )}
      {link && <NewPortalLink key={link.url} url={link.url} expiresAt={link.expiresAt} />}

      <div className="space-y-2 border-t border-slate-200 pt-4">
        <ConfirmDelete
          key={revocations}
          action={revoke}
          hidden={{ uid }}
          question="Revoke every portal link of this consumer? Anyone signed in with one is signed out at once."
          label="Revoke portal links"
          confirmLabel="Revoke links"
          pending={revoking}
        />
        <ActionFeedback state={revoked} />
      </div>
    </div>
  );
}
