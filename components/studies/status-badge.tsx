const STYLES: Record<string, string> = {
  DRAFT: "bg-zinc-100 text-zinc-700",
  LIVE: "bg-emerald-100 text-emerald-800",
  PAUSED: "bg-amber-100 text-amber-800",
  CLOSED: "bg-zinc-200 text-zinc-600",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STYLES[status] ?? STYLES.DRAFT}`}>{status.toLowerCase()}</span>
  );
}
