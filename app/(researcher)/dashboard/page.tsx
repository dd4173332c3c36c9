import type { Metadata } from "next";
import Link from "next/link";
import { NewStudyForm } from "@/components/studies/new-study-form";
import { StatusBadge } from "@/components/studies/status-badge";
import { Card } from "@/components/ui/card";
import { requirePageUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { listStudies } from "@/lib/studies/service";

export const metadata: Metadata = { title: "Studies" };

export default async function DashboardPage() {
  const user = await requirePageUser(RESEARCHER_ROLES, "/dashboard");
  const studies = await listStudies(getDb(), user);
  return (
    <div className="space-y-8">
      <div className="flex items-end justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{user.role === "ADMIN" ? "Admin dashboard" : "Your studies"}</h1>
          <p className="mt-1 text-sm text-zinc-600">
            {user.role === "ADMIN" ? "Every study on this Percept, across all researchers." : "Studies you own."}
          </p>
        </div>
      </div>
      <div className="grid gap-8 lg:grid-cols-3">
        <div className="lg:col-span-2">
          {studies.length === 0 ? (
            <Card>
              <div className="py-10 text-center">
                <p className="font-medium">No studies yet</p>
                <p className="mt-1 text-sm text-zinc-600">Create your first study to compare generative models with human judgement.</p>
              </div>
            </Card>
          ) : (
            <ul className="divide-y divide-zinc-200 overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-sm" aria-label="Studies">
              {studies.map((study) => (
                <li key={study.id}>
                  <Link href={`/studies/${study.id}`} className="flex items-center justify-between px-5 py-4 hover:bg-zinc-50">
                    <div>
                      <p className="font-medium text-zinc-900">
                        {study.name}
                        {study.isDemo ? <span className="ml-2 rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-700">demo</span> : null}
                      </p>
                      <p className="mt-0.5 text-xs text-zinc-500">
                        {study.protocols.map((protocol) => (protocol === "HYPE_TIME" ? "HYPE_time" : "HYPE_∞")).join(" + ")} ·{" "}
                        {study._count.arms} arm{study._count.arms === 1 ? "" : "s"} · {study._count.sessions} session
                        {study._count.sessions === 1 ? "" : "s"} · created {study.createdAt.toISOString().slice(0, 10)}
                      </p>
                    </div>
                    <StatusBadge status={study.status} />
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </div>
        <Card title="New study">
          <NewStudyForm />
        </Card>
      </div>
    </div>
  );
}
