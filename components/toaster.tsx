"use client";

/**
 * Toasts: short confirmations of what an action did ("Saved.", "Endpoint disabled."), shown in
 * one polite live region at the corner of the screen, so they are announced by screen readers
 * without stealing focus. A success goes away by itself after a few seconds (not while the
 * pointer or focus is on it); an error stays until it is closed, since it asks for something to
 * be done. Errors about a field or a control stay beside it, where the user fixes them; an
 * error toast is for an outcome with no such place (a secret that could not be revealed).
 *
 * A toast belongs to the page it was shown on: the dashboard layout (and this toaster) lives
 * on across client-side navigations, so the toasts are dropped when the path changes.
 *
 * An action that redirects cannot return a message to the page it leaves, so it sets a
 * short-lived flash cookie (lib/flash.ts) that the toaster shows and clears on the next page.
 */
import { usePathname } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import { FLASH_COOKIE } from "@/lib/flash";

export type ToastTone = "success" | "error";

interface Toast {
  id: number;
  text: string;
  tone: ToastTone;
}

/** How long a success toast stays: enough to read a sentence twice. */
export const SUCCESS_TOAST_MS = 5000;

const ToastContext = createContext<(text: string, tone?: ToastTone) => void>(() => {});

/** Shows a toast on the current page: `show("Saved.")`, `show("Could not …", "error")`. */
export function useToast(): (text: string, tone?: ToastTone) => void {
  return useContext(ToastContext);
}

function takeFlash(): string | null {
  const entry = document.cookie.split("; ").find((part) => part.startsWith(`${FLASH_COOKIE}=`));
  if (!entry) return null;
  document.cookie = `${FLASH_COOKIE}=; Max-Age=0; Path=/; SameSite=Lax`;
  try {
    return decodeURIComponent(entry.slice(FLASH_COOKIE.length + 1)) || null;
  } catch {
    return null;
  }
}

function ToastItem({ toast, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  // Paused while the pointer or keyboard focus is on it, so it does not vanish mid-read
  // (WCAG 2.2.1); the full time starts again when they leave.
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (toast.tone === "error" || held) return;
    const timer = setTimeout(() => onDismiss(toast.id), SUCCESS_TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast, held, onDismiss]);
  const error = toast.tone === "error";
  return (
    <div
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
      className={`pointer-events-auto flex w-full items-start gap-3 rounded-lg border bg-white px-4 py-3 text-sm text-slate-900 shadow-lg ${error ? "border-red-300" : "border-emerald-200"}`}
    >
      <span aria-hidden="true" className={error ? "text-red-700" : "text-emerald-700"}>
        {error ? "!" : "✓"}
      </span>
      <p role={error ? "alert" : "status"} className="flex-1">
        {toast.text}
      </p>
      <button
        type="button"
        onClick={() => onDismiss(toast.id)}
        aria-label="Dismiss notification"
        className="rounded text-slate-500 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        ×
      </button>
    </div>
  );
}

export function Toaster({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const pathname = usePathname();

  const dismiss = useCallback((id: number) => setToasts((current) => current.filter((toast) => toast.id !== id)), []);
  const show = useCallback((text: string, tone: ToastTone = "success") => {
    const id = nextId.current++;
    setToasts((current) => [...current.slice(-2), { id, text, tone }]);
  }, []);

  // A new page: the toasts of the page left behind go, while rendering, so they are never
  // painted on the new one (React's "adjust state when a prop changes").
  const [toastsPath, setToastsPath] = useState(pathname);
  if (toastsPath !== pathname) {
    setToastsPath(pathname);
    setToasts([]);
  }

  useEffect(() => {
    const flash = takeFlash();
    if (flash) show(flash);
  }, [pathname, show]);

  return (
    <ToastContext.Provider value={show}>
      {children}
      <div aria-live="polite" className="pointer-events-none fixed inset-x-4 bottom-4 z-50 flex flex-col items-end gap-2 sm:left-auto sm:w-96">
        {toasts.map((toast) => (
          <ToastItem key={toast.id} toast={toast} onDismiss={dismiss} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

/** Shows `state.message` as a toast each time an action returns one. */
export function useActionToast(state: { message?: string }): void {
  const show = useContext(ToastContext);
  const shown = useRef<object | null>(null);
  useEffect(() => {
    // Each submission yields a new state object; the ref keeps a re-render from repeating it.
    if (!state.message || shown.current === state) return;
    shown.current = state;
    show(state.message);
  }, [state, show]);
}

/** An action's outcome beside its buttons: the error stays there, a success becomes a toast. */
export function ActionFeedback({ state }: { state: { error?: string; message?: string } }) {
  useActionToast(state);
  if (!state.error) return null;
  return (
    <p role="alert" className="text-sm text-red-700">
      {state.error}
    </p>
  );
}
