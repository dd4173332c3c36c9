/**
 * HYPE scores from an exported trial file.
 *
 *   npm run score -- trials.csv [--seed N] [--resamples N] [--confidence C]
 *   npm run score -- trials.json
 *   npm run score -- trials.csv --exclude-failed-qualification --max-flagged-timed-percent 20 …
 *
 * The file is a Percept export (docs/data-format.md) or any CSV / JSON with the columns arm,
 * evaluator, protocol, block, trial, label, answer, exposure_ms. Rows flagged "replaced" (re-run
 * trials) are left out. Progress and a human summary go to stderr; the LAST stdout line is one
 * JSON object: {file, format, counts, scores} where scores is lib/hype's scoreStudy result (every
 * arm and protocol: score, ci, bootstrapSd, evaluators, HYPE_∞ fakeError / realError, per-evaluator
 * figures, and the separability tests), with NaN and ±Infinity written as null.
 * Exclusion rules (lib/hype/exclusion.ts) apply only when their flags are given; the results page
 * prints the command with its study's rules.
 * Exit code 1 with "error: …" on stderr for a missing file, a bad format or bad rows (row and column).
 */
import { closeSync, createReadStream, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { DEFAULT_CONFIDENCE, DEFAULT_RESAMPLES, describeRule, EXCLUSION_REASONS, ruleActive, type ArmScores, type ExclusionRules, type SeparabilityResult } from "../lib/hype";
import { EXCLUSION_OPTIONS, EXCLUSION_SWITCH, EXCLUSION_USAGE, ExclusionFlagError, exclusionRulesFromOptions } from "../lib/export/exclusion-flags";
import {
  CsvTrialRowReader,
  detectFormat,
  jsonSafe,
  parseTrialRowsJson,
  scoreTrialRows,
  TrialRowsError,
  type TrialFileFormat,
  type TrialRowsInput,
} from "../lib/export/trial-rows";

const USAGE = `usage: npm run score -- <trials.csv|trials.json> [--seed N] [--resamples N] [--confidence C] ${EXCLUSION_USAGE}`;
const OPTIONS: readonly string[] = ["seed", "resamples", "confidence", ...EXCLUSION_OPTIONS];
const DEFAULT_SEED = 0;

class UsageError extends Error {}

interface Args {
  file: string;
  seed: number;
  resamples: number;
  confidence: number;
  exclusions: ExclusionRules;
}

function parseArgs(argv: string[]): Args {
  const values = new Map<string, string>();
  const files: string[] = [];
  let switched = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) {
      files.push(arg);
      continue;
    }
    if (arg === `--${EXCLUSION_SWITCH}`) {
      switched = true;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${arg} needs a value\n${USAGE}`);
    values.set(arg.slice(2), value);
    i++;
  }
  for (const key of values.keys()) if (!OPTIONS.includes(key)) throw new UsageError(`unknown option --${key}\n${USAGE}`);
  if (files.length !== 1) throw new UsageError(`${files.length === 0 ? "give the trial file" : `one trial file, got ${files.length}`}\n${USAGE}`);
  const int = (name: string, fallback: number, min: number): number => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const v = Number(raw);
    if (!Number.isSafeInteger(v) || v < min || raw.trim() === "") throw new UsageError(`--${name} must be an integer ≥ ${min}, got ${raw}`);
    return v;
  };
  const confidenceRaw = values.get("confidence");
  const confidence = confidenceRaw === undefined ? DEFAULT_CONFIDENCE : Number(confidenceRaw);
  if (!(confidence > 0 && confidence < 1)) throw new UsageError(`--confidence must be between 0 and 1, got ${confidenceRaw}`);
  let exclusions: ExclusionRules;
  try {
    exclusions = exclusionRulesFromOptions(values, switched);
  } catch (error) {
    if (error instanceof ExclusionFlagError) throw new UsageError(error.message);
    throw error;
  }
  return { file: files[0]!, seed: int("seed", DEFAULT_SEED, Number.MIN_SAFE_INTEGER), resamples: int("resamples", DEFAULT_RESAMPLES, 1), confidence, exclusions };
}

function log(message: string): void {
  process.stderr.write(`[score] ${message}\n`);
}

function firstBytes(path: string): string {
  const fd = openSync(path, "r");
  try {
    const buffer = Buffer.alloc(256);
    return buffer.subarray(0, readSync(fd, buffer, 0, buffer.length, 0)).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

async function readCsv(path: string): Promise<TrialRowsInput> {
  const reader = new CsvTrialRowReader();
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
  let chunks = 0;
  for await (const chunk of stream) {
    reader.push(chunk as string);
    if (++chunks % 64 === 0) log(`read ${chunks} MB`);
  }
  return reader.finish();
}

async function readRows(path: string): Promise<{ format: TrialFileFormat; input: TrialRowsInput }> {
  if (!existsSync(path)) throw new UsageError(`trial file not found: ${path}`);
  if (!statSync(path).isFile()) throw new UsageError(`not a file: ${path}`);
  const byName = path.toLowerCase().endsWith(".csv") || path.toLowerCase().endsWith(".json");
  const format = detectFormat(path, byName ? "" : firstBytes(path));
  log(`reading ${path} as ${format.toUpperCase()}`);
  const input = format === "json" ? parseTrialRowsJson(readFileSync(path, "utf8")) : await readCsv(path);
  return { format, input };
}

const fmt = (x: number | null | undefined, digits: number) => (x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(digits));

function describeArm(arm: ArmScores, confidence: number): string[] {
  const pct = `${Math.round(confidence * 100)}%`;
  const lines: string[] = [];
  if (arm.hypeTime) {
    const t = arm.hypeTime;
    lines.push(`${arm.arm}: HYPE_time ${fmt(t.score, 1)} ms (${pct} CI ${fmt(t.ci[0], 1)}–${fmt(t.ci[1], 1)}, bootstrap SD ${fmt(t.bootstrapSd, 1)}), ${t.evaluators} evaluators, accuracy ${fmt(100 * t.accuracy, 1)}%`);
  }
  if (arm.hypeInf) {
    const h = arm.hypeInf;
    lines.push(
      `${arm.arm}: HYPE_∞ ${fmt(h.score, 2)}% (${pct} CI ${fmt(h.ci[0], 2)}–${fmt(h.ci[1], 2)}, bootstrap SD ${fmt(h.bootstrapSd, 2)}), ${h.evaluators} evaluators; fake error ${fmt(h.fakeError.score, 2)}%, real error ${fmt(h.realError.score, 2)}%`,
    );
  }
  if (arm.qualification) lines.push(`${arm.arm}: qualification ${arm.qualification.passed}/${arm.qualification.evaluators} passed`);
  if (arm.excluded.length > 0) lines.push(`${arm.arm}: ${arm.excluded.length} evaluators excluded`);
  return lines;
}

function describeSeparability(name: string, result: SeparabilityResult | null): string[] {
  if (!result) return [];
  const lines = [`${name}: ANOVA F(${result.anova.dfBetween}, ${result.anova.dfWithin}) = ${fmt(result.anova.F, 3)}, p = ${result.anova.p.toPrecision(4)}`];
  if (result.tTest?.welch) lines.push(`${name}: Welch t = ${fmt(result.tTest.welch.t, 3)}, p = ${result.tTest.welch.p.toPrecision(4)}`);
  return lines;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const { format, input } = await readRows(args.file);
  const c = input.counts;
  log(`${c.rows} rows: ${c.scored} scored, ${c.replaced} replaced (re-run) left out; ${c.evaluators} evaluators in ${c.arms} arms`);
  log(`bootstrap: ${args.resamples} resamples, seed ${args.seed}`);
  const rules = EXCLUSION_REASONS.filter((reason) => ruleActive(args.exclusions, reason)).map((reason) => describeRule(args.exclusions, reason));
  log(`exclusion rules: ${rules.length > 0 ? rules.join("; ") : "none"}`);
  const started = Date.now();
  const result = scoreTrialRows(input, { seed: args.seed, resamples: args.resamples, confidence: args.confidence, exclusions: args.exclusions });
  log(`scored in ${Date.now() - started} ms`);
  for (const arm of result.scores.arms) for (const line of describeArm(arm, args.confidence)) log(line);
  for (const line of [...describeSeparability("HYPE_time", result.scores.separability.hypeTime), ...describeSeparability("HYPE_∞", result.scores.separability.hypeInf)]) log(line);
  process.stdout.write(`${JSON.stringify(jsonSafe({ file: args.file, format, ...result }))}\n`);
}

main().catch((error: unknown) => {
  const known = error instanceof UsageError || error instanceof TrialRowsError || error instanceof RangeError;
  process.stderr.write(`error: ${known ? (error as Error).message : ((error as Error)?.stack ?? String(error))}\n`);
  if (error instanceof TrialRowsError && error.issues.length > 5) {
    for (const issue of error.issues.slice(5, 20)) process.stderr.write(`  row ${issue.row}${issue.line ? ` (line ${issue.line})` : ""}, column "${issue.column}": ${issue.message}\n`);
  }
  process.exit(1);
});
