"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";

/**
 * **Delete** that asks first: the button opens an inline confirmation with the consequence in
 * words, the real delete button (`confirmLabel`) and **Cancel**. Nothing is deleted until the
 * confirmation is submitted.
 */
export function ConfirmDelete({
  action,
  hidden,
  question,
  confirmLabel,
  pending,
}: {
  action: (formData: FormData) => void;
  /** Hidden form fields, e.g. the id of what is deleted. */
  hidden: Record<string, string>;
  question: string;
  confirmLabel: string;
  pending: boolean;
}) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <Button type="button" variant="danger" onClick={() => setConfirming(true)}>
        Delete
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
    </form>
  );
}
