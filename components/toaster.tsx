"use client";

/**
 * Toasts: short confirmations of what an action did ("Saved.", "Endpoint disabled."), shown in
 * one polite live region at the corner of the screen, so they are announced by screen readers
 * without stealing focus. Errors are not toasts: they stay beside the control or field that
 * caused them, where the user fixes them.
 *
 * An action that redirects cannot return a message to the page it leaves, so it sets a
 * short-lived flash cookie (lib/flash.ts) that the toaster shows and clears on the next page.
 */
import { usePathname } from "next/navigation";
import { createContext, useCallback, useContext, useEffect, useRef, useState } from "react";
import { FLASH_COOKIE } from "@/lib/flash";

interface Toast {
  id: number;
  text: string;
}

/** Long enough to read a sentence twice; each toast can also be dismissed by hand. */
const TOAST_MS = 8000;

const ToastContext = createContext<(text: string) => void>(() => {});

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

export function Toaster({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const pathname = usePathname();

  const dismiss = useCallback((id: number) => setToasts((current) => current.filter((toast) => toast.id !== id)), []);
  const show = useCallback(
    (text: string) => {
      const id = nextId.current++;
      setToasts((current) => [...current.slice(-2), { id, text }]);
      setTimeout(() => dismiss(id), TOAST_MS);
    },
    [dismiss],
  );

  useEffect(() => {
    const flash = takeFlash();
    if (flash) show(flash);
  }, [pathname, show]);

  return (
    <ToastContext.Provider value={show}>
      {children}
      <div aria-live="polite" className="pointer-events-none fixed inset-x-4 bottom-4 z-50 flex flex-col items-end gap-2 sm:left-auto sm:w-96">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            className="pointer-events-auto flex w-full items-start gap-3 rounded-lg border border-emerald-200 bg-white px-4 py-3 text-sm text-slate-900 shadow-lg"
          >
            <span aria-hidden="true" className="text-emerald-700">
              ✓
            </span>
            <p role="status" className="flex-1">
              {toast.text}
            </p>
            <button
              type="button"
              onClick={() => dismiss(toast.id)}
              aria-label="Dismiss notification"
              className="rounded text-slate-500 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              ×
            </button>
          </div>
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
