import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { PADDING_OVERHEAD, padPng, paddedLength } from "@/lib/storage/png-padding";

async function png(kind: "flat" | "noise"): Promise<Buffer> {
  const pixels = Buffer.alloc(32 * 32 * 3, 128);
  if (kind === "noise") for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) % 251;
  return sharp(pixels, { raw: { width: 32, height: 32, channels: 3 } }).png().toBuffer();
}

describe("PNG padding", () => {
  it("brings differently compressible images to one length, and they still decode to the same pixels", async () => {
    const [flat, noise] = await Promise.all([png("flat"), png("noise")]);
    expect(flat.length).not.toBe(noise.length);
    const target = paddedLength(Math.max(flat.length, noise.length));
    for (const original of [flat, noise]) {
      const padded = padPng(original, target);
      expect(padded.length).toBe(target);
      const [before, after] = await Promise.all([sharp(original).raw().toBuffer(), sharp(padded).raw().toBuffer()]);
      expect(after.equals(before)).toBe(true);
      expect((await sharp(padded).metadata()).format).toBe("png");
    }
  });

  it("leaves an image already at the target alone and refuses impossible targets and non-PNGs", async () => {
    const flat = await png("flat");
    expect(padPng(flat, flat.length)).toBe(flat);
    expect(() => padPng(flat, flat.length + PADDING_OVERHEAD - 1)).toThrow(RangeError);
    expect(() => padPng(Buffer.from("GIF89a-not-a-png-at-all"), 100)).toThrow(/not a PNG/);
  });
});
