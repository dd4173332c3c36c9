import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PROTOCOLS, type TrialRow } from "@/lib/hype";
import {
  collectTrialRows,
  csvChunks,
  detectFormat,
  EXPORT_COLUMNS,
  jsonChunks,
  jsonSafe,
  parseTrialRows,
  parseTrialRowsCsv,
  parseTrialRowsJson,
  scoreTrialRows,
  toCsv,
  toJson,
  TrialRowsError,
  type ExportRow,
  type TrialRowIssue,
} from "@/lib/export/trial-rows";
import { exportRowOf, scoreCanonical, simulatedStudy } from "./helpers";

const HEADER = "arm,evaluator,protocol,block,trial,label,answer,exposure_ms";

function issuesOf(run: () => unknown): TrialRowIssue[] {
  try {
    run();
  } catch (error) {
    if (error instanceof TrialRowsError) return [...error.issues];
    throw error;
  }
  throw new Error("expected a TrialRowsError");
}

async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let text = "";
  for await (const chunk of chunks) text += chunk;
  return text;
}

const row = (overrides: Partial<TrialRow> = {}): TrialRow => ({
  arm: "A",
  evaluator: "e1",
  protocol: "hype_time",
  block: 0,
  trial: 0,
  label: "real",
  answer: "generated",
  exposure_ms: 500,
  ...overrides,
});

describe("writing the export", () => {
  it("writes the documented header and one CRLF record per row, empty for null, flags joined by ;", () => {
    const csv = toCsv([
      exportRowOf(row({ arm: "Model, A" }), { flags: ["blur", "replaced"] }),
      exportRowOf(row({ protocol: "hype_inf", exposure_ms: null, trial: 1 }), { response_ms: null }),
    ]);
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(EXPORT_COLUMNS.join(","));
    expect(lines[0]).toBe(
      "study,arm,evaluator,protocol,block,trial,label,answer,correct,exposure_ms,requested_frames,presented_frames,measured_ms,refresh_hz,response_ms,flags,image_hash,issued_at,answered_at",
    );
    expect(lines[1]).toBe(`study-1,"Model, A",e1,hype_time,0,0,real,generated,false,500,30,30,500,60,850,blur;replaced,${"ab".repeat(32)},2026-01-02T03:04:05.006Z,2026-01-02T03:04:06.789Z`);
    expect(lines[2]).toBe(`study-1,A,e1,hype_inf,0,1,real,generated,false,,,,1500.25,60,,,${"ab".repeat(32)},2026-01-02T03:04:05.006Z,2026-01-02T03:04:06.789Z`);
    expect(lines[3]).toBe("");
    expect(lines).toHaveLength(4);
  });

  it("writes JSON as {trials: [...]} with typed values, columns in the documented order", () => {
    const json = toJson([exportRowOf(row(), { flags: ["blur"] })]);
    const parsed = JSON.parse(json) as { trials: Record<string, unknown>[] };
    expect(parsed.trials).toHaveLength(1);
    expect(Object.keys(parsed.trials[0]!)).toEqual([...EXPORT_COLUMNS]);
    expect(parsed.trials[0]).toMatchObject({ block: 0, correct: false, exposure_ms: 500, flags: ["blur"], label: "real" });
    expect(JSON.parse(toJson([]))).toEqual({ trials: [] });
  });

  it("streams exactly the text the whole-file writers produce", async () => {
    const rows = simulatedStudy().slice(0, 50).map((r) => exportRowOf(r));
    expect(await collect(csvChunks(rows))).toBe(toCsv(rows));
    expect(await collect(jsonChunks(rows))).toBe(toJson(rows));
    expect(await collect(jsonChunks([]))).toBe(toJson([]));
  });
});

// ─── Round trip ───────────────────────────────────────────────────────────────

const text = fc.string({ minLength: 1, maxLength: 8, unit: fc.constantFrom("a", "Z", "0", " ", ",", '"', "\n", "é", ";", "_") }).filter((s) => s.trim() !== "");
const positiveMs = fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.double({ min: 1e-3, max: 1e4, noNaN: true }));
const anyNumber = fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }), { nil: null });
const flag = fc.constantFrom("blur", "frame_miss", "hidden", "slow_load", "replaced");

/** A valid study: each evaluator in one arm, each block one protocol, trial numbers unique. */
const exportRows: fc.Arbitrary<ExportRow[]> = fc
  .array(
    fc.record({
      evaluator: text,
      arm: text,
      blocks: fc.array(fc.record({ protocol: fc.constantFrom(...PROTOCOLS), trials: fc.array(fc.tuple(fc.boolean(), fc.boolean(), positiveMs, anyNumber, fc.array(flag, { maxLength: 2 })), { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 3 }),
    }),
    { maxLength: 5 },
  )
  .map((evaluators) => {
    const unique = new Map(evaluators.map((e) => [e.evaluator, e]));
    const rows: ExportRow[] = [];
    for (const e of unique.values()) {
      let trial = 0;
      e.blocks.forEach((b, block) => {
        for (const [isReal, right, ms, measured, flags] of b.trials) {
          const label = isReal ? "real" : "generated";
          const answer = right ? label : isReal ? "generated" : "real";
          const timed = b.protocol === "hype_time";
          rows.push(
            exportRowOf({ arm: e.arm, evaluator: e.evaluator, protocol: b.protocol, block, trial: trial++, label, answer, exposure_ms: timed ? ms : null }, { measured_ms: measured, flags }),
          );
        }
      });
    }
    return rows;
  })
  .chain((rows) => fc.shuffledSubarray(rows, { minLength: rows.length, maxLength: rows.length }));

/** What the reader should return: non-replaced rows, evaluators in code-unit order. */
function expected(rows: readonly ExportRow[]) {
  const kept = rows.map((r, i) => ({ r, n: i + 1 })).filter(({ r }) => !r.flags.includes("replaced"));
  kept.sort((a, b) => (a.r.evaluator < b.r.evaluator ? -1 : a.r.evaluator > b.r.evaluator ? 1 : 0));
  return {
    rows: kept.map(({ r }) => ({ arm: r.arm, evaluator: r.evaluator, protocol: r.protocol, block: r.block, trial: r.trial, label: r.label, answer: r.answer, exposure_ms: r.exposure_ms })),
    rowNumbers: kept.map(({ n }) => n),
    replaced: rows.length - kept.length,
  };
}

describe("write → parse round trip", () => {
  it("CSV, JSON and the in-memory rows all read back the same lib/hype rows", () => {
    fc.assert(
      fc.property(exportRows, (rows) => {
        const want = expected(rows);
        for (const input of [parseTrialRowsCsv(toCsv(rows)), parseTrialRowsJson(toJson(rows)), collectTrialRows(rows)]) {
          expect(input.rows).toEqual(want.rows);
          expect(input.rowNumbers).toEqual(want.rowNumbers);
          expect(input.counts).toMatchObject({ rows: rows.length, scored: want.rows.length, replaced: want.replaced });
        }
      }),
      { numRuns: 200 },
    );
  });

  it("keeps every number bit for bit (shortest round-trip decimal)", () => {
    fc.assert(
      fc.property(fc.double({ min: Number.MIN_VALUE, max: 1e300, noNaN: true }), (ms) => {
        const input = parseTrialRowsCsv(toCsv([exportRowOf(row({ exposure_ms: ms }))]));
        expect(Object.is(input.rows[0]!.exposure_ms, ms)).toBe(true);
      }),
    );
  });

  it("scores a simulated study the same from CSV, JSON and memory, whatever the row order", () => {
    const sim = simulatedStudy();
    const exported = sim.map((r) => exportRowOf(r));
    const options = { seed: 7, resamples: 300 };
    const reference = scoreCanonical(sim, options.seed, options.resamples);
    const fromCsv = scoreTrialRows(parseTrialRowsCsv(toCsv(exported)), options);
    expect(fromCsv.scores).toEqual(reference);
    expect(scoreTrialRows(parseTrialRowsJson(toJson(exported)), options).scores).toEqual(reference);
    const reversed = [...exported].reverse();
    expect(scoreTrialRows(parseTrialRowsCsv(toCsv(reversed)), options).scores).toEqual(reference);
    expect(fromCsv.counts).toEqual({ rows: sim.length, scored: sim.length, replaced: 0, evaluators: 48, arms: 4 });
    expect(reference.arms.map((a) => a.arm)).toEqual(["BEGAN", 'ProGAN "v2"', "StyleGAN, truncated", "WGAN-GP"]);
    expect(reference.arms[2]!.hypeTime!.evaluators).toBe(12);
  });
});

describe("reading", () => {
  it("needs only the scoring columns, ignores unknown ones, reads empty exposure as null", () => {
    const csv = `note,${HEADER},extra\r\nhello,A,e1,hype_inf,0,0,real,real,,x\r\nbye,A,e1,hype_time,1,0,generated,real,480.5,y\r\n`;
    expect(parseTrialRowsCsv(csv).rows).toEqual([
      row({ protocol: "hype_inf", label: "real", answer: "real", exposure_ms: null }),
      row({ block: 1, label: "generated", answer: "real", exposure_ms: 480.5 }),
    ]);
  });

  it("accepts JSON as a bare array, numeric strings, flags as a list or a ;-string, and leaves replaced rows out", () => {
    const input = parseTrialRowsJson(
      JSON.stringify([
        { ...row(), block: "0", trial: "0", flags: "blur; replaced" },
        { ...row(), trial: 1, flags: ["blur"], comment: "kept" },
        { ...row(), trial: 2, exposure_ms: "530" },
      ]),
    );
    expect(input.rows).toEqual([row({ trial: 1 }), row({ trial: 2, exposure_ms: 530 })]);
    expect(input.rowNumbers).toEqual([2, 3]);
    expect(input.counts).toEqual({ rows: 3, scored: 2, replaced: 1, evaluators: 1, arms: 1 });
  });

  it("skips blank lines", () => {
    expect(parseTrialRowsCsv(`${HEADER}\n\nA,e1,hype_time,0,0,real,real,500\n\n`).rows).toEqual([row({ answer: "real" })]);
  });

  it("detects the format by extension, else by the first character", () => {
    expect(detectFormat("x.CSV", "[")).toBe("csv");
    expect(detectFormat("x.json", "arm")).toBe("json");
    expect(detectFormat("trials", '\uFEFF  {"trials": []}')).toBe("json");
    expect(detectFormat("trials", HEADER)).toBe("csv");
    expect(parseTrialRows("[]", "json").rows).toEqual([]);
  });
});

describe("errors name the row and the column", () => {
  it("a header without a scoring column", () => {
    expect(issuesOf(() => parseTrialRowsCsv("arm,evaluator,protocol,block,trial,label,answer\nA,e1,hype_inf,0,0,real,real\n"))).toEqual([
      { row: 0, line: 1, column: "exposure_ms", message: expect.stringMatching(/^missing column/) },
    ]);
    expect(issuesOf(() => parseTrialRowsCsv(`${HEADER},label\n`))).toEqual([{ row: 0, line: 1, column: "label", message: "the column appears twice in the header" }]);
    expect(issuesOf(() => parseTrialRowsCsv(""))).toEqual([{ row: 0, column: "*", message: expect.stringMatching(/empty/) }]);
  });

  it("a JSON row without a column", () => {
    const noExposure: Partial<TrialRow> = row();
    delete noExposure.exposure_ms;
    expect(issuesOf(() => parseTrialRowsJson(JSON.stringify({ trials: [row(), noExposure] })))).toEqual([{ row: 2, column: "exposure_ms", message: "missing column" }]);
  });

  it("unknown labels, answers and protocols; non-numeric numbers; bad indices", () => {
    const csv = [
      HEADER,
      "A,e1,hype_time,0,0,fake,real,500",
      "A,e1,hype_timed,0,1,real,Real,500",
      "A,e1,hype_time,zero,2,real,real,500",
      "A,e1,hype_time,0,1.5,real,real,500ms",
      "A,e1,hype_time,0,-1,real,real,",
    ].join("\n");
    const issues = issuesOf(() => parseTrialRowsCsv(csv));
    expect(issues.map((i) => [i.row, i.line, i.column])).toEqual([
      [1, 2, "label"],
      [2, 3, "protocol"],
      [2, 3, "answer"],
      [3, 4, "block"],
      [4, 5, "trial"],
      [4, 5, "exposure_ms"],
      [5, 6, "trial"],
      [5, 6, "exposure_ms"],
    ]);
    expect(issues[0]!.message).toBe('unknown label "fake" (expected real | generated)');
    expect(issues[1]!.message).toBe('unknown protocol "hype_timed" (expected hype_time | hype_inf | qualification)');
    expect(issues[3]!.message).toBe('expected a whole number ≥ 0, got the non-numeric "zero"');
    expect(issues[5]!.message).toBe('expected a number of ms or an empty value, got the non-numeric "500ms"');
    expect(issues[7]!.message).toBe("hype_time needs a positive exposure in ms, got an empty value");
  });

  it("an exposure on an untimed trial, a missing arm or evaluator", () => {
    const issues = issuesOf(() => parseTrialRowsCsv([HEADER, "A,e1,hype_inf,0,0,real,real,500", ",e2,hype_inf,0,0,real,real,", "A, ,qualification,0,0,real,real,"].join("\n")));
    expect(issues).toEqual([
      { row: 1, line: 2, column: "exposure_ms", message: 'must be empty for the untimed protocol hype_inf, got "500"' },
      { row: 2, line: 3, column: "arm", message: 'expected a non-empty text, got ""' },
      { row: 3, line: 4, column: "evaluator", message: 'expected a non-empty text, got " "' },
    ]);
  });

  it("an evaluator in two arms, a block with two protocols, a trial twice", () => {
    const csv = [
      HEADER,
      "A,e1,hype_time,0,0,real,real,500",
      "B,e1,hype_time,0,1,real,real,500",
      "A,e1,hype_inf,0,2,real,real,",
      "A,e1,hype_time,0,0,generated,real,490",
    ].join("\n");
    expect(issuesOf(() => parseTrialRowsCsv(csv))).toEqual([
      { row: 2, line: 3, column: "arm", message: 'evaluator "e1" is in arm "A" on row 1 and in "B" here; an evaluator belongs to one arm' },
      { row: 3, line: 4, column: "block", message: 'block 0 of evaluator "e1" is hype_time on row 1 and hype_inf here' },
      { row: 4, line: 5, column: "trial", message: 'trial 0 of block 0 of evaluator "e1" is also on row 1' },
    ]);
  });

  it("an evaluator in two arms counts even on a replaced row", () => {
    const issues = issuesOf(() => collectTrialRows([exportRowOf(row()), exportRowOf(row({ arm: "B", trial: 1 }), { flags: ["replaced"] })]));
    expect(issues.map((i) => [i.row, i.column])).toEqual([[2, "arm"]]);
  });

  it("records of the wrong length, bad CSV, bad JSON and JSON of the wrong shape", () => {
    expect(issuesOf(() => parseTrialRowsCsv(`${HEADER}\nA,e1,hype_inf,0,0,real,real\n`))).toEqual([{ row: 1, line: 2, column: "*", message: "expected 8 fields (as in the header), got 7" }]);
    expect(issuesOf(() => parseTrialRowsCsv(`${HEADER}\nA,e1,hype_inf,0,0,real,real,\n"A,e1\n`))[0]).toMatchObject({ row: 2, line: 3, message: expect.stringMatching(/^bad CSV: a quoted field is not closed/) });
    expect(issuesOf(() => parseTrialRowsJson("{trials:"))[0]!.message).toMatch(/^bad JSON/);
    expect(issuesOf(() => parseTrialRowsJson('{"rows": []}'))[0]!.message).toBe('expected an array of trial rows or an object {"trials": [...]}');
    expect(issuesOf(() => parseTrialRowsJson("[1]"))).toEqual([{ row: 1, column: "*", message: "expected an object with the row's columns, got 1" }]);
  });

  it("stops at 100 problems and says there are more", () => {
    const csv = [HEADER, ...Array.from({ length: 150 }, (_, i) => `A,e1,hype_inf,0,${i},fake,real,`)].join("\n");
    let error: unknown;
    try {
      parseTrialRowsCsv(csv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TrialRowsError);
    expect((error as TrialRowsError).issues).toHaveLength(100);
    expect((error as TrialRowsError).truncated).toBe(true);
    expect((error as TrialRowsError).message).toMatch(/^invalid trial rows: row 1 \(line 2\), column "label": unknown label "fake".*\(100\+ issues in all\)$/);
  });

  it("a row lib/hype still refuses is reported under the input's row number", () => {
    const input = { rows: [row(), row({ trial: 1, exposure_ms: -3 })], rowNumbers: [4, 9], counts: { rows: 2, scored: 2, replaced: 0, evaluators: 1, arms: 1 }, conduct: new Map() };
    expect(issuesOf(() => scoreTrialRows(input, { seed: 1, resamples: 10 }))).toEqual([{ row: 9, column: "exposure_ms", message: expect.stringMatching(/positive exposure/) }]);
  });
});

describe("jsonSafe", () => {
  it("writes NaN and ±Infinity as null and leaves everything else as it is", () => {
    const value = { a: Number.NaN, b: [1.5, Number.POSITIVE_INFINITY, -0.25], c: { d: Number.NEGATIVE_INFINITY, e: "x", f: null, g: true }, h: undefined };
    expect(jsonSafe(value)).toEqual({ a: null, b: [1.5, null, -0.25], c: { d: null, e: "x", f: null, g: true } });
    expect(jsonSafe(value)).toEqual(JSON.parse(JSON.stringify(value)));
  });
});
