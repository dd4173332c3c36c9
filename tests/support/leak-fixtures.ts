import { crc32 } from "node:zlib";
import sharp from "sharp";
import { createRng, randomUnit, seedFrom } from "@/lib/hype";

/**
 * Image sets that differ in everything a careless server would pass on (container, size,
 * dimensions, EXIF, text chunks, names, upload order) but not in what the normalized pixels look
 * like: both sets are drawn from one random process and go through the same JPEG round trip, and
 * the generated set's 96×96 crop meets the 64 px target at the same 1.5× scale as the real set's
 * 128×96 frame. So an audit that finds a difference has found a channel, not a content difference.
 */
export type SourceImage = { name: string; bytes: Buffer };

const [WIDTH, HEIGHT] = [128, 96];

async function randomJpeg(seed: number, withExif: boolean): Promise<Buffer> {
  const rng = createRng(seed);
  const grid = Buffer.alloc(8 * 6 * 3);
  for (let i = 0; i < grid.length; i++) grid[i] = Math.floor(randomUnit(rng) * 256);
  const smooth = await sharp(grid, { raw: { width: 8, height: 6, channels: 3 } }).resize(WIDTH, HEIGHT).raw().toBuffer();
  for (let i = 0; i < smooth.length; i++) smooth[i] = Math.max(0, Math.min(255, smooth[i]! + Math.round((randomUnit(rng) - 0.5) * 24)));
  const jpeg = sharp(smooth, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 90 });
  return (withExif ? jpeg.withExif({ IFD0: { Make: "Canon", Model: "EOS 5D Mark IV", Software: "Adobe Lightroom 13.1" } }) : jpeg).toBuffer();
}

/** A PNG tEXt chunk before IEND, as Stable Diffusion front-ends write their "parameters". */
function withTextChunk(png: Buffer, keyword: string, text: string): Buffer {
  const data = Buffer.concat([Buffer.from(keyword, "latin1"), Buffer.from([0]), Buffer.from(text, "latin1")]);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write("tEXt", 4, "latin1");
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  const iend = png.length - 12;
  return Buffer.concat([png.subarray(0, iend), chunk, png.subarray(iend)]);
}

/** Real: camera JPEGs with EXIF, 128×96, named IMG_0001.jpg… */
export async function realPhotos(count: number, seed: number): Promise<SourceImage[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => ({ name: `IMG_${String(i + 1).padStart(4, "0")}.jpg`, bytes: await randomJpeg(seedFrom(seed, "real", i), true) })),
  );
}

/** Generated: 96×96 PNGs with a long generation-parameters text chunk, named sample_00001.png… */
export async function generatedSamples(count: number, seed: number): Promise<SourceImage[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const decoded = await sharp(await randomJpeg(seedFrom(seed, "generated", i), false))
        .extract({ left: (WIDTH - HEIGHT) / 2, top: 0, width: HEIGHT, height: HEIGHT })
        .png()
        .toBuffer();
      const parameters = `a photo, highly detailed\nSteps: 30, Sampler: DPM++ 2M, CFG scale: 7, Seed: ${seed + i}, Model: sd-xl-base-1.0`;
      return { name: `sample_${String(i + 1).padStart(5, "0")}.png`, bytes: withTextChunk(decoded, "parameters", parameters) };
    }),
  );
}
