import { createHash } from "node:crypto";
import sharp from "sharp";
import { createRng, randomIndex, shuffled } from "@/lib/hype";
import type { Db } from "@/lib/db";
import { putObject, readObject } from "@/lib/storage/local";

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const TILE = 8;
const SOURCES = 8;

/**
 * Backward masks for a study: textures made by shuffling small tiles taken from several of the
 * study's stimuli (real and generated alike), so they match the stimuli's colours and local
 * statistics without showing any stimulus. Tile scrambling stands in for the paper's
 * Portilla–Simoncelli textures (docs/hype.md). Made once per study, under the caller's lock.
 */
export async function ensureStudyMasks(tx: Tx, study: { id: string; seed: number; realImageSetId: string; generatedSetIds: string[] }, count: number) {
  const existing = await tx.maskImage.findMany({ where: { studyId: study.id }, orderBy: { position: "asc" } });
  if (existing.length >= count) return existing;
  const setIds = [study.realImageSetId, ...study.generatedSetIds];
  const candidates = await tx.image.findMany({ where: { imageSetId: { in: setIds } }, select: { storageKey: true, width: true, height: true }, orderBy: { id: "asc" } });
  if (candidates.length === 0) return existing;
  const rng = createRng(study.seed);
  const sources = shuffled(candidates, rng).slice(0, SOURCES);
  const { width, height } = sources[0]!;
  const columns = Math.max(1, Math.floor(width / TILE));
  const rows = Math.max(1, Math.floor(height / TILE));
  const pixels = await Promise.all(
    sources.map(async (source) =>
      sharp(await readObject(source.storageKey)).resize(columns * TILE, rows * TILE, { fit: "fill" }).removeAlpha().raw().toBuffer(),
    ),
  );
  const rowBytes = columns * TILE * 3;
  const created = [...existing];
  for (let position = existing.length; position < count; position++) {
    const mask = Buffer.alloc(rows * TILE * rowBytes);
    for (let tile = 0; tile < columns * rows; tile++) {
      const from = pixels[randomIndex(rng, pixels.length)]!;
      const sourceTile = randomIndex(rng, columns * rows);
      const [sx, sy] = [(sourceTile % columns) * TILE, Math.floor(sourceTile / columns) * TILE];
      const [dx, dy] = [(tile % columns) * TILE, Math.floor(tile / columns) * TILE];
      for (let line = 0; line < TILE; line++) {
        const source = (sy + line) * rowBytes + sx * 3;
        from.copy(mask, (dy + line) * rowBytes + dx * 3, source, source + TILE * 3);
      }
    }
    const png = await sharp(mask, { raw: { width: columns * TILE, height: rows * TILE, channels: 3 } })
      .resize(width, height, { fit: "fill" })
      .png()
      .toBuffer();
    // Named by study and position as well as content: two masks can come out identical (uniform
    // source images), and a key may belong to one mask row only.
    const storageKey = `masks/${study.id}/${position}-${createHash("sha256").update(png).digest("hex")}.png`;
    await putObject(storageKey, png);
    created.push(await tx.maskImage.create({ data: { studyId: study.id, position, storageKey } }));
  }
  return created;
}
