/** Number formatting shared by the metrics tables (null → em dash). */
export function fmt(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e5)) return value.toExponential(2);
  return value.toFixed(digits);
}

export function fmtP(p: number | null): string {
  if (p === null) return "—";
  return p < 1e-4 ? "< 0.0001" : p.toFixed(4);
}

export function fmtDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "—";
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}

export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}
