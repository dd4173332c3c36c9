/** Number formatting shared by the results components. NaN, ±Infinity and null show as "—". */

export const DASH = "—";

function finite(value: number | null | undefined): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

export function fmt(value: number | null | undefined, digits = 1): string {
  return finite(value) ? value.toFixed(digits) : DASH;
}

export function fmtMs(value: number | null | undefined, digits = 1): string {
  return finite(value) ? `${value.toFixed(digits)} ms` : DASH;
}

export function fmtPercent(value: number | null | undefined, digits = 1): string {
  return finite(value) ? `${value.toFixed(digits)}%` : DASH;
}

/** A share in [0, 1] as a percentage. */
export function fmtShare(value: number | null | undefined, digits = 1): string {
  return finite(value) ? `${(value * 100).toFixed(digits)}%` : DASH;
}

export function fmtInterval(ci: readonly [number, number] | null | undefined, digits = 1, unit = ""): string {
  if (!ci || !finite(ci[0]) || !finite(ci[1])) return DASH;
  return `${ci[0].toFixed(digits)}–${ci[1].toFixed(digits)}${unit}`;
}

/** p-values: three decimals, "< 0.001" below that. */
export function fmtP(p: number | null | undefined): string {
  if (!finite(p)) return DASH;
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

/** A value for a client chart: finite numbers pass, everything else becomes null. */
export function plotValue(value: number | null | undefined): number | null {
  return finite(value) ? value : null;
}

/** Distinct, readable series colours (Tailwind 600s). */
export const SERIES_COLORS = ["#4f46e5", "#059669", "#d97706", "#e11d48", "#0284c7", "#7c3aed", "#65a30d", "#db2777"];

export function seriesColor(index: number): string {
  return SERIES_COLORS[index % SERIES_COLORS.length]!;
}
