"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { useHydrated } from "@/components/ui/use-hydrated";

const MESSAGES: Record<string, string> = {
  CredentialsSignin: "E-mail or password is not right.",
  RateLimited: "Too many sign-in attempts. Wait a few minutes and try again.",
};

/** Only same-site paths: an open redirect would let a phishing link bounce through us. */
function safeCallback(value: string | null): string {
  return value && value.startsWith("/") && !value.startsWith("//") ? value : "/dashboard";
}

export function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(params.get("error") ? (MESSAGES[params.get("error")!] ?? "Sign-in failed.") : null);
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      redirect: false,
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
    });
    if (result?.ok && !result.error) {
      router.replace(safeCallback(params.get("callbackUrl")));
      router.refresh();
      return;
    }
    setPending(false);
    setError(MESSAGES[result?.error ?? ""] ?? "Sign-in failed. Try again.");
  }

  return (
    <form method="post" onSubmit={onSubmit} className="space-y-5" noValidate>
      <h1 className="text-xl font-semibold">Sign in</h1>
      <FormError message={error} />
      <Field id="email" name="email" type="email" label="E-mail" autoComplete="email" required autoFocus />
      <Field id="password" name="password" type="password" label="Password" autoComplete="current-password" required />
      <Button type="submit" className="w-full" disabled={pending || !hydrated}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
      <p className="text-center text-sm text-zinc-600">
        No account?{" "}
        <Link className="font-medium text-indigo-600 hover:underline" href="/signup">
          Create one
        </Link>
      </p>
    </form>
  );
}
