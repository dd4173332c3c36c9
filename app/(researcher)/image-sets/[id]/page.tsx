import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card } from "@/components/ui/card";
import { ImageUploader } from "@/components/uploads/image-uploader";
import { LabelBadge } from "@/components/uploads/label-badge";
import { ThumbnailGrid } from "@/components/uploads/thumbnail-grid";
import { ApiError } from "@/lib/api/errors";
import { requirePageUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { getImageSet } from "@/lib/storage/image-sets";
import { imagePageSchema } from "@/lib/validations/image-set";

export const metadata: Metadata = { title: "Image set" };

async function loadSet(id: string, page: number) {
  const user = await requirePageUser(RESEARCHER_ROLES, `/image-sets/${id}`);
  try {
    return await getImageSet(getDb(), user, id, page);
  } catch (error) {
    if (error instanceof ApiError && error.code === "NOT_FOUND") notFound();
    throw error;
  }
}

export default async function ImageSetPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ page?: string }> }) {
  const { id } = await params;
  const page = imagePageSchema.parse((await searchParams).page);
  const { set, sizes, images, pageCount } = await loadSet(id, page);
  // A set whose images all share one square size suggests that size for the next import.
  const only = sizes.length === 1 ? sizes[0]! : null;
  const defaultTargetSize = only && only.width === only.height && [128, 256, 512, 1024].includes(only.width) ? only.width : null;
  return (
    <div className="space-y-6">
      <div>
        <Link href="/image-sets" className="text-sm text-zinc-600 hover:text-zinc-900">
          ← Image sets
        </Link>
        <div className="mt-2 flex items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{set.name}</h1>
          <LabelBadge label={set.label} />
        </div>
        <p className="mt-1 text-sm text-zinc-600" data-testid="set-summary">
          {set.imageCount} image{set.imageCount === 1 ? "" : "s"}
          {sizes.length > 0 ? ` · ${sizes.map((size) => `${size.width}×${size.height}${sizes.length > 1 ? ` (${size.count})` : ""}`).join(", ")} px` : ""}
        </p>
      </div>
      <Card title="Add images">
        <ImageUploader setId={set.id} defaultTargetSize={defaultTargetSize} />
      </Card>
      <Card title="Images">
        {images.length === 0 ? (
          <div className="py-8 text-center">
            <p className="font-medium">No images yet</p>
            <p className="mt-1 text-sm text-zinc-600">Drop files above; they appear here once the import is added to the set.</p>
          </div>
        ) : (
          <ThumbnailGrid setId={set.id} images={images} page={Math.min(page, pageCount)} pageCount={pageCount} />
        )}
      </Card>
    </div>
  );
}
