import type { Metadata } from "next";
import { headers } from "next/headers";
import { requireUser } from "@/lib/auth/current-user";
import { listApiKeys, type ApiKeyDto } from "@/lib/auth/api-keys";
import { getPortalSettings } from "@/lib/portal/queries";
import { publicOrigin } from "@/lib/public-origin";
import { StatusBadge } from "@/components/ui/status-badge";
import { formatTime } from "@/components/format";
import { ChangePassword } from "./_components/change-password";
import { CreateApiKey } from "./_components/create-api-key";
import { DeleteAccount } from "./_components/delete-account";
import { PortalSettings } from "./_components/portal-settings";
import { RevokeApiKey } from "./_components/revoke-api-key";

export const metadata: Metadata = { title: "Settings" };

function ApiKeyTable({ apiKeys }: { apiKeys: ApiKeyDto[] }) {
  return (
    <div className="overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-4 py-3">Name</th>
            <th scope="col" className="px-4 py-3">Key</th>
            <th scope="col" className="px-4 py-3">Created</th>
            <th scope="col" className="px-4 py-3">Last used</th>
            <th scope="col" className="px-4 py-3">Status</th>
            <th scope="col" className="px-4 py-3">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {apiKeys.map((apiKey) => (
            <tr key={apiKey.id} className={apiKey.revokedAt ? "text-slate-500" : undefined}>
              <td id={`${apiKey.id}-name`} className="px-4 py-3 font-medium">
                {apiKey.name}
              </td>
              <td className="whitespace-nowrap px-4 py-3 font-mono text-xs">{apiKey.prefix}</td>
              <td className="whitespace-nowrap px-4 py-3 text-slate-600">
                <time dateTime={apiKey.createdAt}>{formatTime(apiKey.createdAt)}</time>
              </td>
              <td className="whitespace-nowrap px-4 py-3 text-slate-600">
                {apiKey.lastUsedAt ? <time dateTime={apiKey.lastUsedAt}>{formatTime(apiKey.lastUsedAt)}</time> : "Never used"}
              </td>
              <td className="whitespace-nowrap px-4 py-3">
                <StatusBadge status={apiKey.revokedAt ? "revoked" : "active"} />
                {apiKey.revokedAt && (
                  <div className="mt-1 text-xs text-slate-500">
                    <time dateTime={apiKey.revokedAt}>{formatTime(apiKey.revokedAt)}</time>
                  </div>
                )}
              </td>
              <td className="px-4 py-3 text-right">
                {!apiKey.revokedAt && <RevokeApiKey keyId={apiKey.id} name={apiKey.name} describedBy={`${apiKey.id}-name`} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default async function SettingsPage() {
  const user = await requireUser();
  const [apiKeys, portalSettings, origin] = await Promise.all([listApiKeys(user.id), getPortalSettings(user.id), publicOrigin(await headers())]);

  return (
    <div className="space-y-10">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
        <p className="mt-1 text-sm text-slate-600">Your account, the keys your services use to call the API, and how your customers&apos; endpoint portal looks.</p>
      </div>

      <section aria-labelledby="api-keys-heading" className="space-y-4">
        <div>
          <h2 id="api-keys-heading" className="text-lg font-semibold">
            API keys
          </h2>
          <p className="mt-1 max-w-3xl text-sm text-slate-600">
            A key lets a program use the REST API as your account: send events, manage endpoints, read deliveries. Give each
            service its own key, so one can be revoked without touching the others. Keys are stored hashed and shown once.
          </p>
        </div>
        {apiKeys.length === 0 ? (
          <div className="rounded-xl border border-dashed border-slate-300 bg-white p-8">
            <h3 className="text-center font-medium">No API keys yet</h3>
            <p className="mt-1 text-center text-sm text-slate-600">
              Create a key, then send it as a Bearer token with every request, for example:
            </p>
            <pre className="mx-auto mt-4 max-w-full overflow-x-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100 sm:w-fit">
              <code>{`curl -H "Authorization: Bearer hl_…" ${origin}/api/v1/endpoints`}</code>
            </pre>
          </div>
        ) : (
          <ApiKeyTable apiKeys={apiKeys} />
        )}
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <h3 className="mb-4 text-base font-semibold">Create an API key</h3>
          <CreateApiKey />
        </div>
      </section>

      <section aria-labelledby="portal-heading" className="space-y-4">
        <div>
          <h2 id="portal-heading" className="text-lg font-semibold">
            Endpoint portal
          </h2>
          <p className="mt-1 max-w-3xl text-sm text-slate-600">
            The pages your consumers open with a portal link (created on a consumer&apos;s page or through the API) show this
            brand name, colour and logo. They may be embedded in an iframe only by pages on the allowed origins; browsers refuse
            to show them inside any other site.
          </p>
        </div>
        <PortalSettings settings={portalSettings} labelledBy="portal-heading" />
      </section>

      <section aria-labelledby="account-heading" className="space-y-4">
        <h2 id="account-heading" className="text-lg font-semibold">
          Account
        </h2>
        <dl className="rounded-xl bg-white p-6 text-sm shadow-sm ring-1 ring-slate-200">
          <dt className="text-slate-500">Email</dt>
          <dd className="mt-1 font-medium">{user.email}</dd>
        </dl>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <h3 className="mb-4 text-base font-semibold">Change password</h3>
          <ChangePassword />
        </div>
      </section>

      <section aria-labelledby="danger-zone-heading" className="space-y-4">
        <h2 id="danger-zone-heading" className="text-lg font-semibold text-red-800">
          Danger zone
        </h2>
        <div className="space-y-3 rounded-xl bg-white p-6 shadow-sm ring-1 ring-red-200">
          <p className="text-sm text-slate-600">Deleting your account removes all of its data from this Hookline. It cannot be undone.</p>
          <DeleteAccount />
        </div>
      </section>
    </div>
  );
}
