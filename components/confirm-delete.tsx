"use client";

import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";

/**
 * **Delete** (or `label`: **Revoke**…) that asks first: the button opens an inline confirmation
 * with the consequence in words, the real button (`confirmLabel`) and **Cancel**. Nothing happens
 * until the confirmation is submitted. `children` go inside the confirmation, after its buttons
 * (an error the action answered). To close it after a successful action, give it a new `key`.
 */
export function ConfirmDelete({
  action,
  hidden,
  question,
  confirmLabel,
  pending,
  label = "Delete",
  describedBy,
  children,
}: {
  action: (formData: FormData) => void;
  /** Hidden form fields, e.g. the id of what is deleted. */
  hidden: Record<string, string>;
  question: string;
  confirmLabel: string;
  pending: boolean;
  label?: string;
  /** Names what the first button acts on, when its label alone does not (a list of keys). */
  describedBy?: string;
  children?: ReactNode;
}) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <Button type="button" variant="danger" aria-describedby={describedBy} onClick={() => setConfirming(true)}>
        {label}
      </Button>
    );
  }
  return (
    <form action={action} className="flex flex-wrap items-center gap-2 rounded-md bg-red-50 px-3 py-1">
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <span className="text-sm text-red-900">{question}</span>
      <Button type="submit" variant="danger" disabled={pending}>
        {confirmLabel}
      </Button>
      <Button type="button" variant="secondary" onClick={() => setConfirming(false)}>
        Cancel
      </Button>
      {children}
    </form>
  );
}
