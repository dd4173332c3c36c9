export function LabelBadge({ label }: { label: "REAL" | "GENERATED" }) {
  return label === "REAL" ? (
    <span className="rounded bg-emerald-50 px-1.5 py-0.5 text-xs font-medium text-emerald-700">real</span>
  ) : (
    <span className="rounded bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-800">generated</span>
  );
}
