/**
 * The flat trial export (one row per answered trial) and its way back into lib/hype.
 *
 * - `ExportRow` / `EXPORT_COLUMNS`: the documented columns (docs/data-format.md).
 * - Writers: CSV (RFC 4180, CRLF) and JSON (`{"trials": [...]}`), whole or as chunks.
 * - Reader: CSV or JSON (an array of row objects, or `{"trials": [...]}`) → lib/hype `TrialRow[]`.
 *   Unknown columns are ignored; rows flagged "replaced" (re-run trials) are left out; every
 *   problem is reported with its row number (1-based data row; CSV also gives the line) and column.
 * - `scoreTrialRows`: the one path from rows to `scoreStudy`, used by the CLI and the results page
 *   (through `scoreStudyFromDb`), so both print the same numbers.
 *
 * Pure: no Prisma, Next, Node or DOM.
 */
import {
  emptyConduct,
  LABELS,
  PROTOCOLS,
  REPLACED_FLAG,
  scoreStudy,
  ScoringInputError,
  recordConduct,
  TRIAL_ROW_COLUMNS,
  type EvaluatorConduct,
  type Label,
  type Protocol,
  type ScoreOptions,
  type StudyScores,
  type TrialRow,
} from "@/lib/hype";
import { CsvReader, CsvSyntaxError, csvRecord, type CsvRecordRead } from "./csv";

// ─── The export row ─────────────────────────────────────────────────────────────

/** One answered trial, flat. Column meanings: docs/data-format.md. */
export interface ExportRow {
  /** Study id. */
  study: string;
  /** Arm (model) name, unique within the study. */
  arm: string;
  /** Opaque evaluator id (the evaluation session's id; one arm per evaluator). */
  evaluator: string;
  protocol: Protocol;
  /** Block number within the evaluator's session (qualification first, when there is one). */
  block: number;
  /** Trial index within the evaluator's session (0-based, unique per evaluator). */
  trial: number;
  label: Label;
  answer: Label;
  correct: boolean;
  /** Exposure the staircase requested, ms; null for untimed protocols. */
  exposure_ms: number | null;
  requested_frames: number | null;
  presented_frames: number | null;
  measured_ms: number | null;
  refresh_hz: number | null;
  /** Answer time minus stimulus onset, ms, both on the browser's clock; null when unknown. */
  response_ms: number | null;
  /** Presenter / server flags, e.g. "blur", "frame_miss", "replaced". */
  flags: string[];
  /** sha256 of the normalized image bytes. */
  image_hash: string;
  /** ISO 8601 UTC. */
  issued_at: string;
  /** ISO 8601 UTC. */
  answered_at: string;
}

export const EXPORT_COLUMNS = [
  "study",
  "arm",
  "evaluator",
  "protocol",
  "block",
  "trial",
  "label",
  "answer",
  "correct",
  "exposure_ms",
  "requested_frames",
  "presented_frames",
  "measured_ms",
  "refresh_hz",
  "response_ms",
  "flags",
  "image_hash",
  "issued_at",
  "answered_at",
] as const satisfies ReadonlyArray<keyof ExportRow>;

/** The columns a file needs to be scored (lib/hype's TRIAL_ROW_COLUMNS); all others are optional. */
export const REQUIRED_COLUMNS: readonly string[] = TRIAL_ROW_COLUMNS;

export { REPLACED_FLAG };
/** Separator of the flags in one CSV field. */
export const FLAG_SEPARATOR = ";";

// ─── Writers ────────────────────────────────────────────────────────────────────

function cell(value: ExportRow[keyof ExportRow]): string {
  if (value === null) return "";
  if (Array.isArray(value)) return value.join(FLAG_SEPARATOR);
  return String(value);
}

/** The CSV header record (with CRLF). */
export function csvHeader(): string {
  return csvRecord(EXPORT_COLUMNS);
}

/** One row as a CSV record (with CRLF). Numbers are written in JavaScript's shortest round-trip form. */
export function csvRow(row: ExportRow): string {
  return csvRecord(EXPORT_COLUMNS.map((column) => cell(row[column])));
}

export function toCsv(rows: Iterable<ExportRow>): string {
  let out = csvHeader();
  for (const row of rows) out += csvRow(row);
  return out;
}

/** CSV text in pieces (header, then one record per row), for streaming a large export. */
export async function* csvChunks(rows: AsyncIterable<ExportRow> | Iterable<ExportRow>): AsyncGenerator<string> {
  yield csvHeader();
  for await (const row of rows) yield csvRow(row);
}

function jsonRow(row: ExportRow): string {
  const ordered = Object.fromEntries(EXPORT_COLUMNS.map((column) => [column, row[column]]));
  return JSON.stringify(ordered);
}

/** `{"trials": [...]}`, one row per line. */
export function toJson(rows: Iterable<ExportRow>): string {
  const lines = [...rows].map(jsonRow);
  return lines.length === 0 ? '{"trials":[]}\n' : `{"trials":[\n${lines.join(",\n")}\n]}\n`;
}

/** The same JSON text in pieces, for streaming. */
export async function* jsonChunks(rows: AsyncIterable<ExportRow> | Iterable<ExportRow>): AsyncGenerator<string> {
  let first = true;
  for await (const row of rows) {
    yield `${first ? '{"trials":[\n' : ",\n"}${jsonRow(row)}`;
    first = false;
  }
  yield first ? '{"trials":[]}\n' : "\n]}\n";
}

// ─── Errors ─────────────────────────────────────────────────────────────────────

/**
 * One problem in a trial file. `row` is the 1-based data row (the first row after a CSV header,
 * or the first element of a JSON array, is row 1; 0 means the file as a whole or its header);
 * `line` is the physical line a CSV record starts on.
 */
export interface TrialRowIssue {
  row: number;
  line?: number;
  column: string;
  message: string;
}

const MAX_ISSUES = 100;

function where(issue: TrialRowIssue): string {
  const at = issue.row === 0 ? (issue.line ? `header (line ${issue.line})` : "file") : `row ${issue.row}${issue.line ? ` (line ${issue.line})` : ""}`;
  return issue.column === "*" ? at : `${at}, column "${issue.column}"`;
}

export class TrialRowsError extends Error {
  override readonly name = "TrialRowsError";
  readonly code = "INVALID_TRIAL_ROWS";
  constructor(
    readonly issues: readonly TrialRowIssue[],
    readonly truncated = false,
  ) {
    const shown = issues.slice(0, 5).map((issue) => `${where(issue)}: ${issue.message}`);
    const more = issues.length > 5 || truncated ? ` (${issues.length}${truncated ? "+" : ""} issues in all)` : "";
    super(`invalid trial rows: ${shown.join("; ")}${more}`);
  }
}

// ─── Reading rows ───────────────────────────────────────────────────────────────

/** Rows ready for `scoreStudy`, with where each came from. */
export interface TrialRowsInput {
  /** Grouped by evaluator, evaluators in code-unit order, each evaluator's rows in input order:
   * the scores do not depend on how the file was sorted. */
  rows: TrialRow[];
  /** The 1-based input row of each entry of `rows`. */
  rowNumbers: number[];
  counts: {
    /** Data rows read. */
    rows: number;
    /** Rows passed to scoring. */
    scored: number;
    /** Rows left out because their flags contain "replaced". */
    replaced: number;
    evaluators: number;
    arms: number;
  };
  /** Per evaluator, what the exclusion rules look at, from every valid row (replaced ones too). */
  conduct: Map<string, EvaluatorConduct>;
}

const PROTOCOL_SET: ReadonlySet<string> = new Set(PROTOCOLS);
const LABEL_SET: ReadonlySet<string> = new Set(LABELS);
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : value === undefined ? "nothing" : JSON.stringify(value) ?? String(value);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === "string" && value.trim() === "");
}

/** A number from a JSON number or a CSV/JSON numeric string; undefined when it is not one. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && NUMBER.test(value.trim())) return Number(value.trim());
  return undefined;
}

function toFlags(value: unknown): string[] | undefined {
  if (isEmpty(value)) return [];
  if (typeof value === "string") return value.split(FLAG_SEPARATOR).map((f) => f.trim()).filter((f) => f !== "");
  if (Array.isArray(value) && value.every((f) => typeof f === "string")) return value.map((f: string) => f.trim()).filter((f) => f !== "");
  return undefined;
}

interface EvaluatorEntry {
  arm: string;
  firstRow: number;
  rows: TrialRow[];
  rowNumbers: number[];
  conduct: EvaluatorConduct;
  /** block → its protocol, and trial number → row it was first seen on. */
  blocks: Map<number, { protocol: Protocol; firstRow: number; trials: Map<number, number> }>;
}

/**
 * Turns row records (CSV fields by column name, JSON objects, or `ExportRow`s) into lib/hype rows,
 * one at a time, checking each field and the rules across rows (an evaluator in one arm, one
 * protocol per block, no trial twice). `finish()` throws a `TrialRowsError` listing up to 100
 * problems, or returns the rows.
 */
export class TrialRowCollector {
  private readonly issues: TrialRowIssue[] = [];
  private truncated = false;
  private readonly evaluators = new Map<string, EvaluatorEntry>();
  private read = 0;
  private replaced = 0;

  /** Records a problem that is not about one field of a row (e.g. a CSV record of the wrong length). */
  issue(row: number, column: string, message: string, line?: number): void {
    if (this.issues.length >= MAX_ISSUES) {
      this.truncated = true;
      return;
    }
    this.issues.push(line === undefined ? { row, column, message } : { row, line, column, message });
  }

  /** True once 100 problems are recorded: a reader may stop, after calling `skipRest()`. */
  get full(): boolean {
    return this.issues.length >= MAX_ISSUES;
  }

  /** Notes that rows after the 100th problem were not checked. */
  skipRest(): void {
    this.truncated = true;
  }

  /** Adds data row number `row` (1-based). Columns other than the scoring ones, `flags` and
   * `response_ms` (both optional) are ignored. */
  add(input: object, row: number, line?: number): void {
    const record = input as Readonly<Record<string, unknown>>;
    this.read++;
    const before = this.issues.length;
    const bad = (column: string, message: string) => this.issue(row, column, message, line);

    for (const column of REQUIRED_COLUMNS) {
      if (!(column in record)) bad(column, "missing column");
    }
    if (this.issues.length > before) return;

    const text = (column: "arm" | "evaluator"): string | undefined => {
      const value = record[column];
      if (typeof value === "number" && Number.isFinite(value)) return String(value);
      if (typeof value === "string" && value.trim() !== "") return value;
      bad(column, `expected a non-empty text, got ${show(value)}`);
      return undefined;
    };
    const choice = <T extends string>(column: string, allowed: ReadonlySet<string>, what: string): T | undefined => {
      const value = record[column];
      const v = typeof value === "string" ? value.trim() : value;
      if (typeof v === "string" && allowed.has(v)) return v as T;
      bad(column, `unknown ${what} ${show(value)} (expected ${[...allowed].join(" | ")})`);
      return undefined;
    };
    const index = (column: "block" | "trial"): number | undefined => {
      const value = record[column];
      const n = toNumber(value);
      if (n === undefined) bad(column, `expected a whole number ≥ 0, got ${isEmpty(value) ? "an empty value" : `the non-numeric ${show(value)}`}`);
      else if (!Number.isInteger(n) || n < 0) bad(column, `expected a whole number ≥ 0, got ${show(value)}`);
      else return n;
      return undefined;
    };

    const arm = text("arm");
    const evaluator = text("evaluator");
    const protocol = choice<Protocol>("protocol", PROTOCOL_SET, "protocol");
    const block = index("block");
    const trial = index("trial");
    const label = choice<Label>("label", LABEL_SET, "label");
    const answer = choice<Label>("answer", LABEL_SET, "answer");

    let exposure: number | null | undefined;
    const rawExposure = record.exposure_ms;
    if (isEmpty(rawExposure)) exposure = null;
    else {
      exposure = toNumber(rawExposure);
      if (exposure === undefined) bad("exposure_ms", `expected a number of ms or an empty value, got the non-numeric ${show(rawExposure)}`);
    }
    if (protocol === "hype_time" && exposure !== undefined && (exposure === null || exposure <= 0)) {
      bad("exposure_ms", `hype_time needs a positive exposure in ms, got ${exposure === null ? "an empty value" : show(rawExposure)}`);
    } else if (protocol !== undefined && protocol !== "hype_time" && exposure !== undefined && exposure !== null) {
      bad("exposure_ms", `must be empty for the untimed protocol ${protocol}, got ${show(rawExposure)}`);
    }

    const flags = toFlags(record.flags);
    if (flags === undefined) bad("flags", `expected ${FLAG_SEPARATOR}-separated flags or a list of them, got ${show(record.flags)}`);

    const rawResponse = record.response_ms;
    const responseMs = isEmpty(rawResponse) ? null : toNumber(rawResponse);
    if (responseMs === undefined || (responseMs !== null && responseMs < 0)) {
      bad("response_ms", `expected a number of ms ≥ 0 or an empty value, got ${show(rawResponse)}`);
    }

    // An evaluator's arm is checked on every row where both are readable, replaced rows included.
    let entry: EvaluatorEntry | undefined;
    if (arm !== undefined && evaluator !== undefined) {
      entry = this.evaluators.get(evaluator);
      if (!entry) {
        entry = { arm, firstRow: row, rows: [], rowNumbers: [], conduct: emptyConduct(), blocks: new Map() };
        this.evaluators.set(evaluator, entry);
      } else if (entry.arm !== arm) {
        bad("arm", `evaluator ${show(evaluator)} is in arm ${show(entry.arm)} on row ${entry.firstRow} and in ${show(arm)} here; an evaluator belongs to one arm`);
      }
    }
    if (this.issues.length > before || !entry) return;
    recordConduct(entry.conduct, { protocol: protocol!, flags: flags!, response_ms: responseMs! });
    if (flags!.includes(REPLACED_FLAG)) {
      this.replaced++;
      return;
    }
    const ev = evaluator!;
    let blockInfo = entry.blocks.get(block!);
    if (!blockInfo) {
      blockInfo = { protocol: protocol!, firstRow: row, trials: new Map() };
      entry.blocks.set(block!, blockInfo);
    } else if (blockInfo.protocol !== protocol) {
      bad("block", `block ${block} of evaluator ${show(ev)} is ${blockInfo.protocol} on row ${blockInfo.firstRow} and ${protocol} here`);
      return;
    }
    const seen = blockInfo.trials.get(trial!);
    if (seen !== undefined) {
      bad("trial", `trial ${trial} of block ${block} of evaluator ${show(ev)} is also on row ${seen}`);
      return;
    }
    blockInfo.trials.set(trial!, row);
    entry.rows.push({ arm: arm!, evaluator: ev, protocol: protocol!, block: block!, trial: trial!, label: label!, answer: answer!, exposure_ms: exposure! });
    entry.rowNumbers.push(row);
  }

  finish(): TrialRowsInput {
    if (this.issues.length > 0) throw new TrialRowsError(this.issues, this.truncated);
    // Evaluators seen only on replaced rows have nothing to score.
    const ids = [...this.evaluators.keys()].filter((id) => this.evaluators.get(id)!.rows.length > 0).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rows: TrialRow[] = [];
    const rowNumbers: number[] = [];
    for (const id of ids) {
      const entry = this.evaluators.get(id)!;
      for (let i = 0; i < entry.rows.length; i++) {
        rows.push(entry.rows[i]!);
        rowNumbers.push(entry.rowNumbers[i]!);
      }
    }
    return {
      rows,
      rowNumbers,
      counts: {
        rows: this.read,
        scored: rows.length,
        replaced: this.replaced,
        evaluators: ids.length,
        arms: new Set(ids.map((id) => this.evaluators.get(id)!.arm)).size,
      },
      conduct: new Map(ids.map((id) => [id, this.evaluators.get(id)!.conduct])),
    };
  }
}

/** Reads CSV into a collector, record by record (so it can be fed from a stream in chunks). */
export class CsvTrialRowReader {
  private readonly csv = new CsvReader();
  private header: string[] | null = null;
  private row = 0;

  constructor(readonly collector = new TrialRowCollector()) {}

  push(chunk: string): void {
    this.records(() => this.csv.push(chunk));
  }

  finish(): TrialRowsInput {
    this.records(() => this.csv.end());
    if (this.header === null) throw new TrialRowsError([{ row: 0, column: "*", message: "the file is empty (expected a header line with the column names)" }]);
    return this.collector.finish();
  }

  private records(read: () => CsvRecordRead[]): void {
    let records: CsvRecordRead[];
    try {
      records = read();
    } catch (error) {
      if (error instanceof CsvSyntaxError) throw new TrialRowsError([{ row: this.row + 1, line: error.line, column: "*", message: `bad CSV: ${error.message.replace(/^CSV line \d+: /, "")}` }]);
      throw error;
    }
    for (const record of records) {
      if (this.collector.full) {
        this.collector.skipRest();
        return;
      }
      if (this.header === null) {
        this.readHeader(record);
        continue;
      }
      // Blank lines (a single empty field) are skipped, e.g. a trailing empty line.
      if (record.fields.length === 1 && record.fields[0] === "" && this.header.length > 1) continue;
      this.row++;
      if (record.fields.length !== this.header.length) {
        this.collector.issue(this.row, "*", `expected ${this.header.length} fields (as in the header), got ${record.fields.length}`, record.line);
        continue;
      }
      const object: Record<string, string> = {};
      for (let i = 0; i < this.header.length; i++) object[this.header[i]!] = record.fields[i]!;
      this.collector.add(object, this.row, record.line);
    }
  }

  private readHeader(record: CsvRecordRead): void {
    const names = record.fields.map((name) => name.trim());
    const issues: TrialRowIssue[] = [];
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name) && name !== "") issues.push({ row: 0, line: record.line, column: name, message: "the column appears twice in the header" });
      seen.add(name);
    }
    for (const column of REQUIRED_COLUMNS) {
      if (!seen.has(column)) issues.push({ row: 0, line: record.line, column, message: `missing column (the header needs ${REQUIRED_COLUMNS.join(", ")})` });
    }
    if (issues.length > 0) throw new TrialRowsError(issues);
    this.header = names;
  }
}

export function parseTrialRowsCsv(text: string): TrialRowsInput {
  const reader = new CsvTrialRowReader();
  reader.push(text);
  return reader.finish();
}

/** JSON: an array of row objects, or an object whose `trials` is one. */
export function parseTrialRowsJson(text: string): TrialRowsInput {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new TrialRowsError([{ row: 0, column: "*", message: `bad JSON: ${(error as Error).message}` }]);
  }
  const list = Array.isArray(data) ? data : typeof data === "object" && data !== null && Array.isArray((data as { trials?: unknown }).trials) ? (data as { trials: unknown[] }).trials : null;
  if (list === null) throw new TrialRowsError([{ row: 0, column: "*", message: 'expected an array of trial rows or an object {"trials": [...]}' }]);
  return collectTrialRows(list);
}

/** Rows already in memory (JSON values or `ExportRow`s); row numbers are 1-based positions. */
export function collectTrialRows(records: Iterable<unknown>): TrialRowsInput {
  const collector = new TrialRowCollector();
  let row = 0;
  for (const record of records) {
    row++;
    if (collector.full) {
      collector.skipRest();
      break;
    }
    if (typeof record !== "object" || record === null || Array.isArray(record)) collector.issue(row, "*", `expected an object with the row's columns, got ${show(record)}`);
    else collector.add(record, row);
  }
  return collector.finish();
}

export type TrialFileFormat = "csv" | "json";

/** By extension (.csv / .json), else by the first character (`[` or `{` → JSON). */
export function detectFormat(fileName: string, text: string): TrialFileFormat {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".csv")) return "csv";
  const first = text.replace(/^\uFEFF/, "").trimStart()[0];
  return first === "[" || first === "{" ? "json" : "csv";
}

export function parseTrialRows(text: string, format: TrialFileFormat): TrialRowsInput {
  return format === "json" ? parseTrialRowsJson(text) : parseTrialRowsCsv(text);
}

// ─── Scoring ────────────────────────────────────────────────────────────────────

export interface ScoredTrialRows {
  counts: TrialRowsInput["counts"];
  scores: StudyScores;
}

/**
 * `scoreStudy` on collected rows. The collector already checks everything lib/hype checks; should
 * lib/hype still refuse a row, its issue is reported with the input's row number.
 */
export function scoreTrialRows(input: TrialRowsInput, options: Omit<ScoreOptions, "conduct">): ScoredTrialRows {
  try {
    return { counts: input.counts, scores: scoreStudy(input.rows, { ...options, conduct: input.conduct }) };
  } catch (error) {
    if (error instanceof ScoringInputError) {
      throw new TrialRowsError(error.issues.map((issue) => ({ ...issue, row: input.rowNumbers[issue.row] ?? 0 })));
    }
    throw error;
  }
}

/** A JSON-safe copy: NaN and ±Infinity become null (what JSON.stringify writes for them). */
export function jsonSafe<T>(value: T): unknown {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, jsonSafe);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined && typeof v !== "function")
        .map(([k, v]) => [k, jsonSafe(v)]),
    );
  }
  return value;
}
