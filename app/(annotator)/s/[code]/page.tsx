import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { Button } from "@/components/ui/button";
import { getParticipantId } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { findStudyByLink } from "@/lib/sessions/participants";
import { joinStudyAction } from "./actions";

export const metadata: Metadata = { title: "Study", robots: { index: false } };

type Props = { params: Promise<{ code: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";

export default async function StudyLinkPage({ params, searchParams }: Props) {
  const { code } = await params;
  const query = await searchParams;
  const study = await findStudyByLink(getDb(), code);
  if (!study) notFound();
  // Coming back through the link (closed tab, another day): straight back to the same session.
  const participantId = await getParticipantId();
  if (participantId && (await getDb().evaluationSession.count({ where: { studyId: study.id, participantId } })) > 0) {
    redirect(`/s/${encodeURIComponent(code)}/session`);
  }
  const open = study.status === "LIVE";
  return (
    <main className="mx-auto max-w-2xl px-6 py-16">
      <div className="rounded-xl border border-zinc-200 bg-white p-8 shadow-sm">
        <p className="text-sm font-semibold text-indigo-600">Image judgement study</p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight" data-testid="study-title">
          {study.name}
        </h1>
        {study.isDemo ? (
          <p className="mt-3 rounded-md bg-indigo-50 px-3 py-2 text-sm text-indigo-800">This is a demo study with placeholder images.</p>
        ) : null}
        <div className="mt-6 space-y-4 text-sm leading-6 text-zinc-700">
          <p>
            You will see photographs, one at a time, some of them for a fraction of a second. For each one, say whether you
            think it is a <strong>real</strong> photograph or one <strong>generated</strong> by a computer.
          </p>
          {study.instructions ? <p className="whitespace-pre-line">{study.instructions}</p> : null}
          {study.consentText ? (
            <div className="rounded-md border border-zinc-200 bg-zinc-50 p-4">
              <h2 className="mb-2 font-semibold text-zinc-900">Consent</h2>
              <p className="whitespace-pre-line">{study.consentText}</p>
            </div>
          ) : null}
        </div>
        {open ? (
          <form action={joinStudyAction} className="mt-8 space-y-4">
            <input type="hidden" name="code" value={code} />
            <input type="hidden" name="prolificPid" value={first(query.PROLIFIC_PID)} />
            <input type="hidden" name="prolificStudyId" value={first(query.STUDY_ID)} />
            <input type="hidden" name="prolificSessionId" value={first(query.SESSION_ID)} />
            <label className="flex items-start gap-3 text-sm">
              <input type="checkbox" name="consent" value="yes" required className="mt-0.5 h-4 w-4" />
              <span>I have read the above and agree to take part.</span>
            </label>
            <Button type="submit">Start</Button>
          </form>
        ) : (
          <p className="mt-8 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">This study is not accepting participants right now.</p>
        )}
      </div>
    </main>
  );
}
