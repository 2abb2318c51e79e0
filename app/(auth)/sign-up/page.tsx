import type { Metadata } from "next";
import Link from "next/link";
import { anyAccountExists, SIGN_UP_CLOSED } from "@/lib/auth/accounts";
import { env } from "@/lib/env";
import { signUp } from "../actions";
import { AuthForm } from "../_components/auth-form";

export const metadata: Metadata = { title: "Sign up" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ deleted?: string }> }) {
  // Where Settings → Delete account lands: say that it happened.
  const { deleted } = await searchParams;
  // HOOKLINE_SIGN_UP=closed: the first account of a fresh install can still be made, no other.
  const closed = env.HOOKLINE_SIGN_UP === "closed" && (await anyAccountExists());
  return (
    <>
      {deleted === "1" && (
        <p role="status" className="mb-6 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          Your account and all its data have been deleted.
        </p>
      )}
      <h1 className="mb-6 text-lg font-semibold">Create your account</h1>
      {closed ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {SIGN_UP_CLOSED}
        </p>
      ) : (
        <AuthForm action={signUp} submitLabel="Sign up" passwordAutoComplete="new-password" />
      )}
      <p className="mt-6 text-center text-sm text-slate-600">
        Already have an account?{" "}
        <Link href="/sign-in" className="font-medium text-indigo-700 underline">
          Sign in
        </Link>
      </p>
    </>
  );
}
