import type { Metadata } from "next";
import Link from "next/link";
import { anyAccountExists } from "@/lib/auth/accounts";
import { env } from "@/lib/env";
import { signIn } from "../actions";
import { AuthForm } from "../_components/auth-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage() {
  // No invitation to a sign-up that would be refused (HOOKLINE_SIGN_UP=closed).
  const signUpOpen = env.HOOKLINE_SIGN_UP === "open" || !(await anyAccountExists());
  return (
    <>
      <h1 className="mb-6 text-lg font-semibold">Sign in</h1>
      <AuthForm action={signIn} submitLabel="Sign in" passwordAutoComplete="current-password" />
      {signUpOpen && (
        <p className="mt-6 text-center text-sm text-slate-600">
          New to Hookline?{" "}
          <Link href="/sign-up" className="font-medium text-indigo-700 underline">
            Create an account
          </Link>
        </p>
      )}
    </>
  );
}
