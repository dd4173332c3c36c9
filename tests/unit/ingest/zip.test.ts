import { deflateSync } from "fflate";
import { describe, expect, it } from "vitest";
import { inflateBounded, readCentralDirectory, readZipEntries, unsafeEntryName, ZIP_LIMITS, ZipError, type ZipEntryResult } from "@/lib/storage/zip";
import { image, patchDeclaredSizes, zip, zipBombDeclared, zipBombLying, zipBombRatio, zipSlip, zipTooManyEntries } from "../../fixtures/ingest/fixtures";

function refusal(archive: Uint8Array): string {
  try {
    Array.from(readZipEntries(archive));
  } catch (error) {
    if (error instanceof ZipError) return error.message;
    throw error;
  }
  throw new Error("expected the archive to be refused");
}

const summary = (entries: ZipEntryResult[]) => entries.map((entry) => ("error" in entry ? `${entry.name}: ${entry.error}` : `${entry.name} (${entry.bytes.length})`));

describe("readZipEntries", () => {
  it("yields files in nested folders and skips folders, __MACOSX/ and dotfiles", async () => {
    const one = await image("png", 64, 64, 1);
    const archive = zip({ "set/a/one.png": one, "set/b/c/two.txt": new TextEncoder().encode("hi"), "__MACOSX/set/a/._one.png": new Uint8Array(9), "set/.DS_Store": new Uint8Array(3) });
    const entries = [...readZipEntries(archive)];
    expect(summary(entries)).toEqual([`set/a/one.png (${one.length})`, "set/b/c/two.txt (2)"]);
    expect(Buffer.from((entries[0] as { bytes: Uint8Array }).bytes).equals(one)).toBe(true);
  });

  it("refuses zip slip: '..', absolute paths, drive letters and backslashes", async () => {
    const bytes = await image("png", 64, 64, 2);
    expect(refusal(zipSlip("../escape.png", bytes))).toBe('refused: entry "../escape.png" points outside its folder ("..")');
    expect(refusal(zipSlip("a/../../escape.png", bytes))).toMatch(/points outside its folder/);
    expect(refusal(zipSlip("/etc/cron.d/x.png", bytes))).toMatch(/has an absolute path/);
    expect(refusal(zipSlip("C:/Windows/x.png", bytes))).toMatch(/has an absolute path/);
    expect(refusal(zipSlip("..\\..\\escape.png", bytes))).toMatch(/uses a backslash/);
    expect(unsafeEntryName("set/a..b/ok.png")).toBeNull();
  });

  it("refuses a zip bomb from its declared sizes before inflating anything", () => {
    expect(refusal(zipBombDeclared())).toMatch(/would unpack to more than 2 GB \(a zip bomb\?\)/);
  });

  it("counts bytes while inflating: an entry producing more than it declares is stopped and refused", () => {
    const entries = [...readZipEntries(zipBombLying())];
    expect(summary(entries)).toEqual(["small.png: the archive entry unpacks to a different size than it declares (corrupt, or a zip bomb)"]);
    expect(inflateBounded(deflateSync(new Uint8Array(5_000_000)), 1000)).toBeNull();
    expect(inflateBounded(deflateSync(new Uint8Array(1000).fill(7)), 1000)).toEqual(new Uint8Array(1000).fill(7));
  });

  it("refuses an entry that would inflate more than 100:1 without inflating it, and keeps the others", async () => {
    const small = await image("png", 64, 64, 4);
    const bomb = zipBombRatio();
    const archive = zip({ "zeros.png": new Uint8Array(5 * 1024 * 1024), "ok.png": small });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const [zeros, ok] = [...readZipEntries(archive)];
    expect(zeros).toEqual({ name: "zeros.png", error: expect.stringMatching(/^the archive entry would inflate \d+ times its size \(more than 100:1, a zip bomb\?\)$/) });
    expect(ok).toMatchObject({ name: "ok.png", bytes: expect.any(Uint8Array) });
    // Below 1 MB the ratio is not checked: a small, very compressible file is no threat.
    expect(summary([...readZipEntries(zip({ "flat.txt": new Uint8Array(1000) }))])).toEqual(["flat.txt (1000)"]);
  });

  it("refuses an entry over the per-image limit without inflating it, and keeps the others", async () => {
    const small = await image("png", 64, 64, 3);
    const archive = patchDeclaredSizes(zip({ "big.png": new Uint8Array(100), "ok.png": small }), [{ entry: "big.png", uncompressedSize: ZIP_LIMITS.maxEntryBytes + 1 }]);
    expect(summary([...readZipEntries(archive)])).toEqual(["big.png: the file is 25 MB; the limit is 25 MB", `ok.png (${small.length})`]);
  });

  it("refuses more than 20 000 entries", () => {
    expect(refusal(zipTooManyEntries(ZIP_LIMITS.maxEntries + 1))).toBe(`the archive has ${ZIP_LIMITS.maxEntries + 1} entries; at most ${ZIP_LIMITS.maxEntries} are accepted`);
  });

  it("reports a corrupted entry (checksum) and refuses what is not a ZIP", async () => {
    const archive = Buffer.from(zip({ "a.txt": new TextEncoder().encode("hello hello hello hello") }));
    const [entry] = readCentralDirectory(archive);
    archive.writeUInt32LE((entry!.crc ^ 1) >>> 0, archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 16);
    expect(summary([...readZipEntries(archive)])).toEqual(["a.txt: the archive entry is corrupt (checksum mismatch)"]);
    expect(refusal(await image("png", 64, 64, 4))).toMatch(/not a ZIP archive/);
    expect(refusal(archive.subarray(0, archive.length - 30))).toMatch(/not a ZIP archive|corrupt/);
  });
});
