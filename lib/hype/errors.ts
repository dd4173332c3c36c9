/** Typed errors of lib/hype, each with a stable `code` that callers (API, CLI) can switch on. */

export type ScheduleErrorCode =
  | "INVALID_BLOCKS"
  | "ARM_REQUIRED"
  | "UNKNOWN_ARM"
  | "NO_GENERATED_POOLS"
  | "DUPLICATE_IMAGE"
  | "POOL_TOO_SMALL";

export class ScheduleError extends Error {
  override readonly name = "ScheduleError";
  constructor(
    readonly code: ScheduleErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** One problem in the scoring input, located by row index (0-based) and column name. */
export interface RowIssue {
  row: number;
  column: string;
  message: string;
}

export class ScoringInputError extends Error {
  override readonly name = "ScoringInputError";
  readonly code = "INVALID_ROWS";
  constructor(readonly issues: readonly RowIssue[], truncated: boolean) {
    const shown = issues
      .slice(0, 5)
      .map((i) => `row ${i.row}, column "${i.column}": ${i.message}`)
      .join("; ");
    const more = issues.length > 5 || truncated ? ` (and more: ${issues.length}${truncated ? "+" : ""} issues)` : "";
    super(`invalid scoring input: ${shown}${more}`);
  }
}
