import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AnalysisSettingsForm } from "@/components/studies/analysis-settings";
import { LifecycleControls } from "@/components/studies/lifecycle-controls";
import { LiveProgress } from "@/components/studies/live-progress";
import { StatusBadge } from "@/components/studies/status-badge";
import { StudyEditor, type EditableStudy } from "@/components/studies/study-editor";
import { Card } from "@/components/ui/card";
import { ApiError } from "@/lib/api/errors";
import { requirePageUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { analysisSettingsOf, parseStudyConfig } from "@/lib/studies/config";
import { getStudy, imageSetOptions } from "@/lib/studies/service";

export const metadata: Metadata = { title: "Study" };

async function loadStudy(id: string) {
  const user = await requirePageUser(RESEARCHER_ROLES, `/studies/${id}`);
  try {
    return await getStudy(getDb(), user, id);
  } catch (error) {
    if (error instanceof ApiError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

export default async function StudyPage({ params }: { params: Promise<{ id: string }> }) {
  const study = await loadStudy((await params).id);
  const sets = await imageSetOptions(getDb(), study.ownerId);
  const requestHeaders = await headers();
  const origin = `${requestHeaders.get("x-forwarded-proto") ?? "http"}://${requestHeaders.get("host") ?? "localhost"}`;
  const editable: EditableStudy = {
    ...study,
    config: parseStudyConfig(study.config),
    arms: study.arms.map((arm) => ({ name: arm.name, generatedSetId: arm.generatedSetId, targetEvaluators: arm.targetEvaluators })),
  };
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <div className="flex items-center gap-3">
            <h1 className="text-2xl font-semibold tracking-tight">{study.name}</h1>
            <StatusBadge status={study.status} />
            {study.isDemo ? <span className="rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-700">demo — placeholder images</span> : null}
          </div>
          {study.description ? <p className="mt-2 max-w-3xl text-sm text-zinc-600">{study.description}</p> : null}
        </div>
        <div className="flex gap-4 text-sm">
          <Link className="font-medium text-indigo-600 hover:underline" href={`/studies/${study.id}/planning`}>
            Plan evaluators
          </Link>
          <Link className="font-medium text-indigo-600 hover:underline" href={`/studies/${study.id}/metrics`}>
            Automatic metrics
          </Link>
          <Link className="font-medium text-indigo-600 hover:underline" href={`/studies/${study.id}/results`}>
            Results and exports →
          </Link>
        </div>
      </div>
      <div className="grid gap-6 md:grid-cols-2">
        <Card title="Annotator link">
          <p className="text-sm text-zinc-600">Annotators open this link; no account is needed.</p>
          <code className="mt-3 block rounded-md bg-zinc-100 px-3 py-2 font-mono text-sm" data-testid="study-link">
            /s/{study.linkCode}
          </code>
        </Card>
        <Card title="Lifecycle">
          <LifecycleControls studyId={study.id} status={study.status} />
        </Card>
      </div>
      {study.status !== "DRAFT" ? (
        <Card title="Live progress">
          <LiveProgress studyId={study.id} />
        </Card>
      ) : null}
      <StudyEditor study={editable} sets={sets} origin={origin} />
      <Card title="Analysis: exclusion rules and live monitoring">
        <AnalysisSettingsForm studyId={study.id} settings={analysisSettingsOf(study.config)} />
      </Card>
    </div>
  );
}
