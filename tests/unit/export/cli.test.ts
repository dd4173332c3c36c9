import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { jsonSafe, parseTrialRowsCsv, scoreTrialRows, toCsv, toJson } from "@/lib/export/trial-rows";
import { exportRowOf, simulatedStudy } from "./helpers";

const ROOT = path.resolve(__dirname, "../../..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const dir = mkdtempSync(path.join(tmpdir(), "percept-score-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const target = path.join(dir, name);
  writeFileSync(target, content);
  return target;
}

function run(args: string[]) {
  const r = spawnSync(TSX, [path.join(ROOT, "scripts", "score.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lastJson(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

const HEADER = "arm,evaluator,protocol,block,trial,label,answer,exposure_ms";

describe("npm run score", () => {
  const rows = simulatedStudy().map((r, i) => exportRowOf(r, i % 97 === 5 ? { flags: ["blur", "replaced"] } : {}));
  const csv = toCsv(rows);

  it("prints the scores of every arm and protocol as the last stdout line, progress on stderr", () => {
    const target = file("study.csv", csv);
    const r = run([target, "--seed", "11", "--resamples", "400"]);
    expect(r.code).toBe(0);
    const expected = scoreTrialRows(parseTrialRowsCsv(csv), { seed: 11, resamples: 400 });
    expect(lastJson(r.stdout)).toEqual(jsonSafe({ file: target, format: "csv", ...expected }));
    const out = lastJson(r.stdout) as { counts: { replaced: number }; scores: { arms: Array<{ arm: string; hypeTime: unknown; hypeInf: { fakeError: unknown } | null }>; separability: { hypeTime: { anova: unknown }; hypeInf: unknown } } };
    expect(out.counts.replaced).toBe(rows.filter((row) => row.flags.includes("replaced")).length);
    expect(out.counts.replaced).toBeGreaterThan(0);
    expect(out.scores.arms.map((a) => [a.arm, a.hypeTime !== null, a.hypeInf !== null])).toEqual([
      ["BEGAN", false, true],
      ['ProGAN "v2"', true, false],
      ["StyleGAN, truncated", true, false],
      ["WGAN-GP", false, true],
    ]);
    expect(out.scores.separability.hypeTime.anova).toBeTruthy();
    expect(r.stderr).toMatch(/\[score\] reading .*study\.csv as CSV/);
    expect(r.stderr).toMatch(/\[score\] StyleGAN, truncated: HYPE_time \d+\.\d ms \(95% CI/);
    expect(r.stderr).toMatch(/\[score\] BEGAN: HYPE_∞ .*fake error/);
  });

  it("reads the JSON export to the same scores, and uses the default seed and resamples", () => {
    const fromJson = run([file("study.json", toJson(rows)), "--resamples", "200"]);
    const fromCsv = run([file("study-again.csv", csv), "--resamples", "200"]);
    expect(fromJson.code).toBe(0);
    expect(lastJson(fromJson.stdout).scores).toEqual(lastJson(fromCsv.stdout).scores);
    expect(lastJson(fromJson.stdout)).toMatchObject({ format: "json", scores: { seed: 0, resamples: 200, confidence: 0.95 } });
    // Without an extension the format is read from the first character.
    const sniffed = run([file("study-noext", toJson(rows)), "--resamples", "200"]);
    expect(lastJson(sniffed.stdout)).toMatchObject({ format: "json", scores: lastJson(fromCsv.stdout).scores as object });
  });

  it("writes NaN and Infinity as null (zero within-arm spread gives F = ∞)", () => {
    const same = [HEADER, "A,a1,hype_inf,0,0,real,real,", "A,a2,hype_inf,0,0,real,real,", "B,b1,hype_inf,0,0,real,generated,", "B,b2,hype_inf,0,0,real,generated,"].join("\n");
    const r = run([file("flat.csv", same), "--resamples", "50"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/NaN|Infinity/);
    const out = lastJson(r.stdout) as { scores: { arms: Array<{ hypeInf: { fakeError: { score: unknown } } }>; separability: { hypeInf: { anova: { F: unknown } } } } };
    expect(out.scores.separability.hypeInf.anova.F).toBeNull();
    expect(out.scores.arms[0]!.hypeInf.fakeError.score).toBeNull(); // no generated images: 0/0
  });

  it.each([
    ["a missing file", () => [path.join(dir, "nope.csv")], /^error: trial file not found: .*nope\.csv$/m],
    ["no file", () => [], /^error: give the trial file/m],
    ["an unknown option", () => [file("u.csv", `${HEADER}\n`), "--bogus", "1"], /^error: unknown option --bogus/m],
    ["a bad --resamples", () => [file("r.csv", `${HEADER}\n`), "--resamples", "0"], /^error: --resamples must be an integer ≥ 1, got 0/m],
    ["bad JSON", () => [file("bad.json", '{"trials": [')], /^error: invalid trial rows: file: bad JSON/m],
    ["a file that is not a trial table", () => [file("notes.csv", "hello world\nsecond line\n")], /^error: invalid trial rows: header \(line 1\), column "arm": missing column/m],
    ["an unclosed quote", () => [file("quote.csv", `${HEADER}\n"A,e1\n`)], /^error: invalid trial rows: row 1 \(line 2\): bad CSV: a quoted field is not closed/m],
    [
      "bad rows",
      () => [file("rows.csv", [HEADER, "A,e1,hype_time,0,0,real,real,500", "A,e1,hype_time,0,1,fake,real,500", "A,e1,hype_time,0,2,real,real,fast"].join("\n"))],
      /^error: invalid trial rows: row 2 \(line 3\), column "label": unknown label "fake" \(expected real \| generated\); row 3 \(line 4\), column "exposure_ms": expected a number of ms or an empty value, got the non-numeric "fast"$/m,
    ],
  ])("fails with exit 1 and a clear message for %s", (_name, args, message) => {
    const r = run(args());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });
});
