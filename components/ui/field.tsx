import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

export const controlClass = (error?: string) =>
  `mt-1 block w-full rounded-md border px-3 py-2 text-sm shadow-sm focus:outline-none focus:ring-2 ${error ? "border-red-400 focus:ring-red-300" : "border-slate-300 focus:ring-indigo-300"}`;

/** The error replaces the hint while there is one, so only the shown message is referenced. */
export function describedBy(id: string, error?: string, hint?: string): string | undefined {
  return error ? `${id}-error` : hint ? `${id}-hint` : undefined;
}

export function FieldMessage({ id, error, hint }: { id: string; error?: string; hint?: string }) {
  if (error) {
    // Several problems (schema errors, one per JSON pointer) come one per line.
    return (
      <p id={`${id}-error`} className="mt-1 whitespace-pre-line text-sm text-red-700">
        {error}
      </p>
    );
  }
  return hint ? (
    <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
      {hint}
    </p>
  ) : null;
}

/** The frame every field shares: its label above the control, its error or hint below. */
function FieldFrame({ id, label, error, hint, children }: { id: string; label: string; error?: string; hint?: string; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      <FieldMessage id={id} error={error} hint={hint} />
    </div>
  );
}

/** What ties a control to its frame, for screen readers: its id, and its error and hint. */
function controlProps(id: string, name: string, error?: string, hint?: string) {
  return { id, name, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy(id, error, hint) };
}

type FieldProps = { label: string; name: string; error?: string; hint?: string };

/**
 * A labelled input with its error message right beneath it, tied together for screen readers.
 * `className` adds to the control's look (e.g. `bg-white` off a card), it does not replace it.
 */
export function Field({ label, name, error, hint, className = "", ...props }: InputHTMLAttributes<HTMLInputElement> & FieldProps) {
  const id = `field-${name}`;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      <input {...controlProps(id, name, error, hint)} {...props} className={`${controlClass(error)} ${className}`} />
    </FieldFrame>
  );
}

/** Field's multi-line sibling, in a monospace font: JSON, filters, header lines. */
export function TextAreaField({ label, name, error, hint, rows = 3, ...props }: TextareaHTMLAttributes<HTMLTextAreaElement> & FieldProps) {
  const id = `field-${name}`;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      <textarea {...controlProps(id, name, error, hint)} rows={rows} spellCheck={false} {...props} className={`${controlClass(error)} font-mono`} />
    </FieldFrame>
  );
}

/**
 * Field's sibling for a choice among fixed options (the `<option>`s are its children). Keyed by
 * its default: React applies a select's defaultValue only when it mounts, and a form action's
 * reset returns the select to that first default, so a saved choice would show as undone.
 */
export function SelectField({ label, name, error, hint, children, ...props }: SelectHTMLAttributes<HTMLSelectElement> & FieldProps) {
  const id = `field-${name}`;
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      <select key={String(props.defaultValue)} {...controlProps(id, name, error, hint)} {...props} className={`${controlClass(error)} bg-white`}>
        {children}
      </select>
    </FieldFrame>
  );
}
