"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { sendJson } from "@/components/send-json";
import { Field, FormError } from "@/components/ui/field";
import { useHydrated } from "@/components/ui/use-hydrated";

export function SignUpForm({ firstAccount }: { firstAccount: boolean }) {
  const router = useRouter();
  const params = useSearchParams();
  const invitation = params.get("invitation") ?? undefined;
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = {
      name: String(form.get("name") ?? ""),
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      ...(invitation ? { invitation } : {}),
    };
    setPending(true);
    setError(null);
    try {
      await sendJson("/api/accounts", "POST", body);
    } catch (caught) {
      setPending(false);
      setError((caught as Error).message);
      return;
    }
    const result = await signIn("credentials", { redirect: false, email: body.email, password: body.password });
    if (result?.ok && !result.error) {
      router.replace("/dashboard");
      router.refresh();
    } else {
      router.replace("/signin");
    }
  }

  return (
    <form method="post" onSubmit={onSubmit} className="space-y-5" noValidate>
      <div>
        <h1 className="text-xl font-semibold">Create your account</h1>
        {firstAccount ? (
          <p className="mt-1 text-sm text-zinc-600">This is the first account here: it will administer this Percept.</p>
        ) : invitation ? (
          <p className="mt-1 text-sm text-zinc-600">You were invited. Use the e-mail address the invitation was sent to.</p>
        ) : null}
      </div>
      <FormError message={error} />
      <Field id="name" name="name" label="Name" autoComplete="name" required autoFocus />
      <Field id="email" name="email" type="email" label="E-mail" autoComplete="email" defaultValue={params.get("email") ?? ""} required />
      <Field
        id="password"
        name="password"
        type="password"
        label="Password"
        autoComplete="new-password"
        hint="At least 10 characters; not a common password."
        required
      />
      <Button type="submit" className="w-full" disabled={pending || !hydrated}>
        {pending ? "Creating account…" : "Create account"}
      </Button>
      <p className="text-center text-sm text-zinc-600">
        Already have an account?{" "}
        <Link className="font-medium text-indigo-600 hover:underline" href="/signin">
          Sign in
        </Link>
      </p>
    </form>
  );
}
