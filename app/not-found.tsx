import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg p-10 text-center">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-600">This page does not exist, or it belongs to another account.</p>
      <Link href="/endpoints" className="mt-6 inline-block text-sm font-medium text-indigo-700 underline">
        Back to endpoints
      </Link>
    </main>
  );
}
