import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { StatusBadge } from "@/components/studies/status-badge";
import { Card } from "@/components/ui/card";
import { ApiError } from "@/lib/api/errors";
import { requirePageUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { getStudy } from "@/lib/studies/service";

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
  return (
    <div className="space-y-6">
      <div>
        <div className="flex items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{study.name}</h1>
          <StatusBadge status={study.status} />
          {study.isDemo ? <span className="rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-700">demo — placeholder images</span> : null}
        </div>
        {study.description ? <p className="mt-2 max-w-3xl text-sm text-zinc-600">{study.description}</p> : null}
      </div>
      <div className="grid gap-6 md:grid-cols-2">
        <Card title="Annotator link">
          <p className="text-sm text-zinc-600">Annotators open this link; no account is needed.</p>
          <code className="mt-3 block rounded-md bg-zinc-100 px-3 py-2 font-mono text-sm" data-testid="study-link">
            /s/{study.linkCode}
          </code>
        </Card>
        <Card title="Arms (models under test)">
          {study.arms.length === 0 ? (
            <p className="text-sm text-zinc-600">No arms yet. Each arm is one model with its set of generated images.</p>
          ) : (
            <ul className="space-y-1 text-sm">
              {study.arms.map((arm) => (
                <li key={arm.id} className="flex justify-between">
                  <span>{arm.name}</span>
                  <span className="text-zinc-500">target {arm.targetEvaluators} evaluators</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}
