/** Latency samples and error counts of a load run, per operation, summarized per phase. */

export type Operation = "start" | "device" | "next" | "stimulus" | "answer";
export const OPERATIONS: readonly Operation[] = ["start", "device", "next", "stimulus", "answer"];

export class Recorder {
  readonly latencies = new Map<Operation, number[]>();
  readonly errors = new Map<string, number>();
  answers = 0;
  idempotentResends = 0;

  latency(operation: Operation, ms: number): void {
    const samples = this.latencies.get(operation) ?? [];
    samples.push(ms);
    this.latencies.set(operation, samples);
  }

  /** `kind` is an HTTP status ("503") or a network error code ("ECONNREFUSED"). */
  error(operation: Operation, kind: string): void {
    const key = `${operation} ${kind}`;
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export type OperationSummary = { count: number; p50: number; p95: number; p99: number; max: number };

export function summarize(samples: readonly number[]): OperationSummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export type PhaseReport = {
  concurrency: number;
  seconds: number;
  answersPerSecond: number;
  answers: number;
  idempotentResends: number;
  operations: Partial<Record<Operation, OperationSummary>>;
  errors: Record<string, number>;
};

export function phaseReport(recorder: Recorder, concurrency: number, seconds: number): PhaseReport {
  const operations: PhaseReport["operations"] = {};
  for (const operation of OPERATIONS) {
    const samples = recorder.latencies.get(operation);
    if (samples?.length) operations[operation] = summarize(samples);
  }
  return {
    concurrency,
    seconds,
    answersPerSecond: recorder.answers / seconds,
    answers: recorder.answers,
    idempotentResends: recorder.idempotentResends,
    operations,
    errors: Object.fromEntries(recorder.errors),
  };
}

const ms = (value: number) => (Number.isNaN(value) ? "-" : value.toFixed(1));

export function formatPhase(report: PhaseReport): string {
  const lines = [
    `concurrency ${report.concurrency}: ${report.answers} answers in ${report.seconds.toFixed(1)} s = ${report.answersPerSecond.toFixed(1)} answers/s` +
      ` (${report.idempotentResends} answers re-sent as if their ack was lost)`,
    `  ${"operation".padEnd(9)} ${"count".padStart(7)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"max ms".padStart(8)}`,
  ];
  for (const [operation, summary] of Object.entries(report.operations)) {
    lines.push(
      `  ${operation.padEnd(9)} ${String(summary.count).padStart(7)} ${ms(summary.p50).padStart(8)} ${ms(summary.p95).padStart(8)} ${ms(summary.p99).padStart(8)} ${ms(summary.max).padStart(8)}`,
    );
  }
  const errors = Object.entries(report.errors);
  lines.push(errors.length ? `  errors: ${errors.map(([key, count]) => `${key} ×${count}`).join(", ")}` : "  errors: none");
  return lines.join("\n");
}
