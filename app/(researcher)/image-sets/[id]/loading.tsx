export default function Loading() {
  return (
    <div className="space-y-6" aria-busy="true" aria-label="Loading the image set">
      <div className="h-8 w-64 animate-pulse rounded bg-zinc-200" />
      <div className="h-56 animate-pulse rounded-xl bg-zinc-100" />
      <div className="grid grid-cols-3 gap-3 sm:grid-cols-5 lg:grid-cols-8">
        {Array.from({ length: 16 }, (_, index) => (
          <div key={index} className="aspect-square animate-pulse rounded-md bg-zinc-100" />
        ))}
      </div>
    </div>
  );
}
