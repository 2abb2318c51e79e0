"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/**
 * Marked current on its page and the pages under it; `exact`: on its own page only, and under
 * `alsoUnder` (a portal's Endpoints link is its home page and the endpoints' pages).
 */
export function NavLink({ href, children, exact = false, alsoUnder }: { href: string; children: React.ReactNode; exact?: boolean; alsoUnder?: string }) {
  const pathname = usePathname();
  const active = (exact ? pathname === href : pathname.startsWith(href)) || (alsoUnder !== undefined && pathname.startsWith(alsoUnder));
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={`rounded-md px-2 py-2 text-sm font-medium ${active ? "bg-indigo-50 text-indigo-800" : "text-slate-700 hover:bg-slate-100"}`}
    >
      {children}
    </Link>
  );
}
