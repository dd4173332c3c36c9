import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { LabelBadge } from "@/components/uploads/label-badge";
import { NewImageSetForm } from "@/components/uploads/new-image-set-form";
import { requirePageUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { listImageSets } from "@/lib/storage/image-sets";

export const metadata: Metadata = { title: "Image sets" };

export default async function ImageSetsPage() {
  const user = await requirePageUser(RESEARCHER_ROLES, "/image-sets");
  const sets = await listImageSets(getDb(), user);
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Image sets</h1>
        <p className="mt-1 text-sm text-zinc-600">Real images and each model&apos;s generated images, ready to use in studies.</p>
      </div>
      <div className="grid gap-8 lg:grid-cols-3">
        <div className="lg:col-span-2">
          {sets.length === 0 ? (
            <Card>
              <div className="py-10 text-center">
                <p className="font-medium">No image sets yet</p>
                <p className="mt-1 text-sm text-zinc-600">Create a set, then drop its images or a ZIP on its page.</p>
              </div>
            </Card>
          ) : (
            <ul className="divide-y divide-zinc-200 overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-sm" aria-label="Image sets">
              {sets.map((set) => (
                <li key={set.id}>
                  <Link href={`/image-sets/${set.id}`} className="flex items-center justify-between px-5 py-4 hover:bg-zinc-50">
                    <div>
                      <p className="font-medium text-zinc-900">{set.name}</p>
                      <p className="mt-0.5 text-xs text-zinc-500">
                        {set._count.images} image{set._count.images === 1 ? "" : "s"} · created {set.createdAt.toISOString().slice(0, 10)}
                      </p>
                    </div>
                    <LabelBadge label={set.label} />
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </div>
        <Card title="New image set">
          <NewImageSetForm />
        </Card>
      </div>
    </div>
  );
}
