import type { Metadata } from "next";
import { NavLink } from "@/components/nav-link";
import { QueryProvider } from "@/components/query-provider";
import { Toaster } from "@/components/toaster";
import { formatTime } from "@/components/format";
import { currentPortalSession, portalCatalog } from "@/lib/portal/current-session";

type Params = { params: Promise<{ token: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const session = await currentPortalSession((await params).token);
  const brand = session?.settings.brandName ?? "Hookline";
  return { title: { default: `Webhooks · ${brand}`, template: `%s · ${brand}` }, robots: { index: false } };
}

/**
 * A consumer's endpoint portal (SPEC §12), in the account's colours: its brand name and logo,
 * its accent colour on the header's stripe and the primary buttons (Tailwind's indigo-600 is a
 * CSS variable; the settings accept only colours white text stays readable on).
 */
export default async function PortalLayout({ children, params }: { children: React.ReactNode } & Params) {
  const session = await currentPortalSession((await params).token);
  if (!session) return <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>;
  const base = `/portal/${session.token}`;
  const { brandName, accentColor, logoUrl } = session.settings;
  const hasCatalog = (await portalCatalog(session.userId)).length > 0;
  const accent = accentColor ? ({ "--color-indigo-600": accentColor, "--color-indigo-500": accentColor } as React.CSSProperties) : undefined;
  return (
    <QueryProvider>
      <Toaster>
        <div style={accent}>
          <header className="border-b border-t-4 border-slate-200 border-t-indigo-600 bg-white">
            <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-4 px-4 py-3">
              <p className="flex items-center gap-2 text-lg font-bold tracking-tight text-slate-900">
                {/* eslint-disable-next-line @next/next/no-img-element -- an image on the account's own host; Next's optimiser is off */}
                {logoUrl && <img src={logoUrl} alt="" className="h-8 w-auto" />}
                {brandName ?? "Hookline"}
              </p>
              <nav aria-label="Portal" className="flex flex-wrap gap-1">
                <NavLink href={base} exact alsoUnder={`${base}/endpoints`}>
                  Endpoints
                </NavLink>
                <NavLink href={`${base}/deliveries`}>Deliveries</NavLink>
                {hasCatalog && <NavLink href={`${base}/event-types`}>Event types</NavLink>}
              </nav>
              <p className="ml-auto text-sm text-slate-600">
                Webhooks of <span className="font-medium text-slate-900">{session.consumer.name}</span> · this link works until {formatTime(session.expiresAt.toISOString())}
              </p>
            </div>
          </header>
          <main className="mx-auto max-w-5xl px-4 py-8">{children}</main>
        </div>
      </Toaster>
    </QueryProvider>
  );
}
