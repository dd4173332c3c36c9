import type { Metadata } from "next";
import { Suspense } from "react";
import { SignUpForm } from "@/components/auth/signup-form";
import { getDb, Role } from "@/lib/db";

export const metadata: Metadata = { title: "Create account" };
export const dynamic = "force-dynamic";

export default async function SignUpPage() {
  const firstAccount = (await getDb().user.count({ where: { role: Role.ADMIN } })) === 0;
  return (
    <Suspense>
      <SignUpForm firstAccount={firstAccount} />
    </Suspense>
  );
}
