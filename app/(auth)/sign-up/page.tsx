import type { Metadata } from "next";
import Link from "next/link";
import { signUp } from "../actions";
import { AuthForm } from "../_components/auth-form";

export const metadata: Metadata = { title: "Sign up" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<{ deleted?: string }> }) {
  // Where Settings → Delete account lands: say that it happened.
  const { deleted } = await searchParams;
  return (
    <>
      {deleted === "1" && (
        <p role="status" className="mb-6 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          Your account and all its data have been deleted.
        </p>
      )}
      <h1 className="mb-6 text-lg font-semibold">Create your account</h1>
      <AuthForm action={signUp} submitLabel="Sign up" passwordAutoComplete="new-password" />
      <p className="mt-6 text-center text-sm text-slate-600">
        Already have an account?{" "}
        <Link href="/sign-in" className="font-medium text-indigo-700 underline">
          Sign in
        </Link>
      </p>
    </>
  );
}
