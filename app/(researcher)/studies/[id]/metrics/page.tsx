import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CrossReferencePanel } from "@/components/metrics/cross-reference";
import { MetricsWorkbench, type StoredReference } from "@/components/metrics/metrics-workbench";
import { RunsTable } from "@/components/metrics/runs-table";
import { Card } from "@/components/ui/card";
import { ApiError } from "@/lib/api/errors";
import { requirePageUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { crossReference, getMetricsStudy, listMetricRuns } from "@/lib/metrics/service";
import type { RunSet } from "@/lib/metrics/worker/protocol";

export const metadata: Metadata = { title: "Automatic metrics" };

export default async function MetricsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requirePageUser(RESEARCHER_ROLES, `/studies/${id}/metrics`);
  const db = getDb();
  let study;
  try {
    study = await getMetricsStudy(db, user, id);
  } catch (error) {
    if (error instanceof ApiError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
  const name = (await db.study.findUnique({ where: { id: study.id }, select: { name: true } }))?.name ?? "";
  const [runs, xref] = await Promise.all([listMetricRuns(db, user, study.id), crossReference(db, user, study.id)]);
  const sets: RunSet[] = [
    ...(study.realImageSetId ? [{ role: "reference" as const, armId: null, imageSetId: study.realImageSetId, label: "Real set" }] : []),
    ...study.arms.map((arm) => ({ role: "arm" as const, armId: arm.id, imageSetId: arm.generatedSetId, label: arm.name })),
  ];
  const storedReferences: StoredReference[] = runs
    .filter((run) => run.status === "SUCCEEDED" && run.armId === null && run.imageSetId)
    .map((run) => ({ modelHash: run.modelHash, imageSetId: run.imageSetId!, digest: run.settings.imagesDigest, resize: run.settings.resize, featureCap: run.settings.featureCap }));

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Automatic metrics</h1>
          <p className="mt-1 text-sm text-zinc-600">
            {name}: FID, IS, KID, precision/recall and density/coverage computed in this browser with your ONNX export of the FID Inception, then set
            against the human HYPE scores.
          </p>
        </div>
        <div className="flex gap-4 text-sm">
          <Link className="font-medium text-indigo-600 hover:underline" href={`/studies/${study.id}`}>
            ← Study
          </Link>
          <Link className="font-medium text-indigo-600 hover:underline" href={`/studies/${study.id}/results`}>
            Human results
          </Link>
        </div>
      </div>
      <Card title="Compute">
        {sets.length < 2 || sets[0]!.role !== "reference" ? (
          <p className="text-sm text-zinc-600">The study needs a real image set and at least one arm before metrics can be computed.</p>
        ) : (
          <MetricsWorkbench studyId={study.id} sets={sets} storedReferences={storedReferences} />
        )}
      </Card>
      <Card title="Cross-reference: human scores vs automatic metrics">
        <CrossReferencePanel data={xref} />
        {study.realImageSetId && (
          <p className="mt-4 text-sm">
            <Link className="font-medium text-indigo-600 hover:underline" href={`/image-sets/${study.realImageSetId}/cross-reference`}>
              All my studies using this real set →
            </Link>
          </p>
        )}
      </Card>
      <Card title="Runs">
        <RunsTable runs={runs} />
      </Card>
    </div>
  );
}
