export default function Loading() {
  return (
    <div className="space-y-8" aria-busy="true" aria-label="Loading image sets">
      <div className="h-8 w-48 animate-pulse rounded bg-zinc-200" />
      <div className="grid gap-8 lg:grid-cols-3">
        <div className="space-y-3 lg:col-span-2">
          {[0, 1, 2].map((row) => (
            <div key={row} className="h-16 animate-pulse rounded-xl bg-zinc-100" />
          ))}
        </div>
        <div className="h-64 animate-pulse rounded-xl bg-zinc-100" />
      </div>
    </div>
  );
}
