import Link from "next/link";
import { requireUser } from "@/lib/auth/current-user";
import { Button } from "@/components/ui/button";
import { NavLink } from "@/components/nav-link";
import { QueryProvider } from "@/components/query-provider";
import { Toaster } from "@/components/toaster";
import { signOut } from "../(auth)/actions";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await requireUser();
  return (
    <QueryProvider>
      <Toaster>
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-4 px-4 py-3">
            <Link href="/endpoints" className="text-lg font-bold tracking-tight text-indigo-700">
              Hookline
            </Link>
            <nav aria-label="Main" className="flex flex-wrap gap-1">
              <NavLink href="/overview">Overview</NavLink>
              <NavLink href="/endpoints">Endpoints</NavLink>
              <NavLink href="/consumers">Consumers</NavLink>
              <NavLink href="/events">Events</NavLink>
              <NavLink href="/event-types">Event types</NavLink>
              <NavLink href="/schedules">Schedules</NavLink>
              <NavLink href="/deliveries">Deliveries</NavLink>
              <NavLink href="/inbox">Inbox</NavLink>
              <NavLink href="/settings">Settings</NavLink>
              <NavLink href="/api-reference">API</NavLink>
            </nav>
            <div className="ml-auto flex items-center gap-3">
              <span className="hidden text-sm text-slate-600 sm:inline">{user.email}</span>
              <form action={signOut}>
                <Button type="submit" variant="secondary">
                  Sign out
                </Button>
              </form>
            </div>
          </div>
        </header>
        <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
      </Toaster>
    </QueryProvider>
  );
}
