// Foreign ids and links that no longer work read alike: neither says whether anything exists.
export default function PortalNotFound() {
  return (
    <div className="mx-auto max-w-lg py-10 text-center">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-600">
        This page does not exist, or this portal link has expired or was revoked. Ask for a new link to manage your webhooks.
      </p>
    </div>
  );
}
