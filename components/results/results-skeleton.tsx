/** Shown while the scores and bootstrap intervals are computed. */
export function ResultsSkeleton() {
  return (
    <div className="space-y-6" role="status" aria-live="polite" data-testid="results-loading">
      <p className="text-sm text-zinc-600">Computing scores and bootstrap intervals…</p>
      <div className="grid gap-4 md:grid-cols-2">
        {[0, 1].map((i) => (
          <div key={i} className="h-40 animate-pulse rounded-xl border border-zinc-200 bg-zinc-100" />
        ))}
      </div>
      <div className="h-64 animate-pulse rounded-xl border border-zinc-200 bg-zinc-100" />
    </div>
  );
}
