import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { encodeNpy } from "@/lib/metrics/npy";
import { FIXTURE_DIR, expected, relErr } from "./fixtures";

const ROOT = path.resolve(FIXTURE_DIR, "../../..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const fx = (name: string) => path.join(FIXTURE_DIR, name);

function run(args: string[]) {
  const r = spawnSync(TSX, [path.join(ROOT, "scripts", "metrics.ts"), ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("scripts/metrics.ts", () => {
  it("prints all metrics as the last stdout line, progress on stderr", () => {
    const r = run(["--real", fx("full_real.npy"), "--fake", fx("full_fake.npy"), "--logits", fx("logits.npy"), "--seed", "3", "--kid-subsets", "10"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    const out = JSON.parse(lines[lines.length - 1] as string) as Record<string, number>;
    const want = expected.full;
    expect(relErr(out.fid as number, want.fid)).toBeLessThan(1e-6);
    expect(out.precision).toBeCloseTo(want.precision, 9);
    expect(out.recall).toBeCloseTo(want.recall, 9);
    expect(out.density).toBeCloseTo(want.density, 9);
    expect(out.coverage).toBeCloseTo(want.coverage, 9);
    // 250 fake rows < 1000: subset size shrinks to 250 and covers all fakes.
    expect(out.kid_subset_size).toBe(250);
    expect(relErr(out.kid_mean as number, want.kid_full.mmd2)).toBeLessThan(0.05);
    expect(out.kid_std).toBeGreaterThan(0);
    expect(relErr(out.is_mean as number, expected.inception_score.mean)).toBeLessThan(1e-9);
    expect(relErr(out.is_std as number, expected.inception_score.std)).toBeLessThan(1e-9);
    expect(r.stderr).toMatch(/\[metrics\] FID/);
  });

  it("omits IS without --logits and honours --kid-subset-size", () => {
    const r = run(["--real", fx("full_real.npy"), "--fake", fx("full_fake.npy"), "--kid-subsets", "4", "--kid-subset-size", "40"]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop() as string) as Record<string, number>;
    expect(out.kid_subset_size).toBe(40);
    expect("is_mean" in out).toBe(false);
  });

  it.each([
    [["--real", "does-not-exist.npy", "--fake", fx("full_fake.npy")], /real file not found: does-not-exist\.npy/],
    [["--real", fx("logits.npy"), "--fake", fx("full_fake.npy")], /feature dimensions differ: real has 1008, fake has 64/],
    [["--real", fx("full_real.npy")], /--real and --fake are required/],
    [["--real", fx("full_real.npy"), "--fake", fx("full_fake.npy"), "--kid-subsets", "0"], /--kid-subsets must be an integer/],
    [["--real", fx("full_real.npy"), "--fake", fx("full_fake.npy"), "--bogus", "1"], /unknown option --bogus/],
  ])("fails clearly for %j", (args, message) => {
    const r = run(args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it("rejects sets too small for the k-NN metrics", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "percept-metrics-"));
    const tiny = path.join(dir, "tiny.npy");
    writeFileSync(tiny, encodeNpy(Array.from({ length: 4 * 64 }, (_, i) => Math.sin(i)), 4, 64));
    const r = run(["--real", fx("full_real.npy"), "--fake", tiny]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/fake set too small: 4 samples, need at least 6/);
  });
});
