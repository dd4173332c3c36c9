import type { Metadata } from "next";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { authSecret } from "@/lib/auth/secret";
import { unsign } from "@/lib/auth/signed-value";
import { getDb } from "@/lib/db";
import { findStudyByLink, PARTICIPANT_COOKIE, PARTICIPANT_COOKIE_PURPOSE } from "@/lib/sessions/participants";

export const metadata: Metadata = { title: "Your session", robots: { index: false } };

export default async function SessionPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const study = await findStudyByLink(getDb(), code);
  if (!study) notFound();
  const participantId = unsign((await cookies()).get(PARTICIPANT_COOKIE)?.value, authSecret(), PARTICIPANT_COOKIE_PURPOSE);
  if (!participantId) redirect(`/s/${encodeURIComponent(code)}`);
  return (
    <main className="mx-auto max-w-2xl px-6 py-16">
      <div className="rounded-xl border border-zinc-200 bg-white p-8 shadow-sm" data-testid="session-ready">
        <h1 className="text-2xl font-semibold tracking-tight">You are registered for “{study.name}”</h1>
        <p className="mt-3 text-sm text-zinc-600">
          Keep this tab open. If you close it, opening the study link again brings you back here. The timed trials of this
          study open on this page.
        </p>
      </div>
    </main>
  );
}
