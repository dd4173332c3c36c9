import Image from "next/image";
import Link from "next/link";

export type GridImage = { id: string; width: number; height: number; originalName: string | null };

/** The set's images as small previews (served to the owner only), one page at a time. */
export function ThumbnailGrid({ setId, images, page, pageCount }: { setId: string; images: GridImage[]; page: number; pageCount: number }) {
  return (
    <div className="space-y-4">
      <ul aria-label="Images in this set" className="grid grid-cols-3 gap-3 sm:grid-cols-5 lg:grid-cols-8">
        {images.map((image) => (
          <li key={image.id} className="overflow-hidden rounded-md border border-zinc-200 bg-zinc-100">
            <Image
              unoptimized
              src={`/api/image-sets/${setId}/images/${image.id}/thumbnail`}
              alt={image.originalName ?? "image"}
              title={`${image.originalName ?? "image"} · ${image.width}×${image.height}`}
              width={160}
              height={160}
              loading="lazy"
              className="aspect-square h-auto w-full object-cover"
            />
          </li>
        ))}
      </ul>
      {pageCount > 1 ? (
        <nav aria-label="Pages" className="flex items-center justify-between text-sm">
          {page > 1 ? (
            <Link href={`/image-sets/${setId}?page=${page - 1}`} className="font-medium text-indigo-700 hover:underline">
              ← Previous
            </Link>
          ) : (
            <span />
          )}
          <span className="text-zinc-600">
            Page {page} of {pageCount}
          </span>
          {page < pageCount ? (
            <Link href={`/image-sets/${setId}?page=${page + 1}`} className="font-medium text-indigo-700 hover:underline">
              Next →
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </div>
  );
}
