import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { AnnotatorSession } from "@/components/annotator/annotator-session";
import { getParticipantId } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { findStudyByLink } from "@/lib/sessions/participants";

export const metadata: Metadata = { title: "Your session", robots: { index: false } };

export default async function SessionPage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const study = await findStudyByLink(getDb(), code);
  if (!study) notFound();
  if (!(await getParticipantId())) redirect(`/s/${encodeURIComponent(code)}`);
  return (
    <main className="min-h-screen bg-zinc-700 px-4 py-8" data-testid="session-ready">
      <AnnotatorSession linkCode={code} studyName={study.name} />
    </main>
  );
}
