import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CrossReferencePanel } from "@/components/metrics/cross-reference";
import { shortHash } from "@/components/metrics/format";
import { Card } from "@/components/ui/card";
import { ApiError } from "@/lib/api/errors";
import { requirePageUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { pooledCrossReference } from "@/lib/metrics/pooled-cross-reference";
import { pooledCrossReferenceQuerySchema } from "@/lib/metrics/service-schema";

export const metadata: Metadata = { title: "Cross-reference across studies" };

export default async function PooledCrossReferencePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const user = await requirePageUser(RESEARCHER_ROLES, `/image-sets/${id}/cross-reference`);
  const query = pooledCrossReferenceQuerySchema.safeParse(await searchParams);
  let data;
  try {
    data = await pooledCrossReference(getDb(), user, id, query.success ? { modelHash: query.data.model, resize: query.data.resize } : {});
  } catch (error) {
    if (error instanceof ApiError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
  const { config } = data;
  const studiesInRows = new Set(data.rows.map((row) => row.studyId)).size;

  return (
    <div className="space-y-6">
      <div>
        <Link href={`/image-sets/${data.imageSet.id}`} className="text-sm text-zinc-600 hover:text-zinc-900">
          ← {data.imageSet.name}
        </Link>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">Human scores vs automatic metrics across your studies</h1>
        <p className="mt-1 text-sm text-zinc-600" data-testid="pooled-summary">
          Real set “{data.imageSet.name}”: {data.rows.length} arm{data.rows.length === 1 ? "" : "s"} from {studiesInRows} of your {data.studies.length} stud
          {data.studies.length === 1 ? "y" : "ies"} on this set have both a human score and metrics
          {config ? ` from feature model ${shortHash(config.modelHash)} with ${config.resize} resize` : ""}. Only one feature model and resize are pooled at a time.
        </p>
      </div>
      {data.configs.length > 1 && (
        <Card title="Feature model">
          <ul className="space-y-1 text-sm">
            {data.configs.map((option) => {
              const current = config?.modelHash === option.modelHash && config.resize === option.resize;
              const label = `${shortHash(option.modelHash)} · ${option.resize} — ${option.arms} arm${option.arms === 1 ? "" : "s"} in ${option.studies} stud${option.studies === 1 ? "y" : "ies"}`;
              return (
                <li key={`${option.modelHash}/${option.resize}`}>
                  {current ? (
                    <span className="font-medium">{label} (shown)</span>
                  ) : (
                    <Link className="text-indigo-600 hover:underline" href={`/image-sets/${data.imageSet.id}/cross-reference?model=${option.modelHash}&resize=${option.resize}`}>
                      {label}
                    </Link>
                  )}
                </li>
              );
            })}
          </ul>
        </Card>
      )}
      <Card title="Cross-reference: every arm of these studies">
        {data.rows.length === 0 ? (
          <p className="text-sm text-zinc-600">No arm of your studies on this set has both a human score and automatic metrics yet.</p>
        ) : (
          <CrossReferencePanel data={data} caption="Per arm of each study: human scores and the automatic metrics of its latest run with this feature model" />
        )}
      </Card>
      <Card title="Studies on this real set">
        <ul className="space-y-1 text-sm">
          {data.studies.map((study) => (
            <li key={study.id}>
              <Link className="text-indigo-600 hover:underline" href={`/studies/${study.id}/metrics`}>
                {study.name}
              </Link>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
