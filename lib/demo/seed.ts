import { createHash, randomInt } from "node:crypto";
import { hashPassword } from "@/lib/auth/password";
import { ImageLabel, Role, StudyStatus, type Db } from "@/lib/db";
import { PLACEHOLDER_SIZE, placeholderPng } from "@/lib/demo/placeholder-images";
import { putObject } from "@/lib/storage/local";
import { DEMO_STUDY_CONFIG } from "@/lib/studies/defaults";
import { newLinkCode } from "@/lib/studies/service";

/** Printed in the terminal and the README; the demo is on by default only for the embedded database. */
export const DEMO_CREDENTIALS = { email: "demo@percept.local", password: "percept-demo" } as const;
const IMAGES_PER_SET = 12;

/** An image set of seeded placeholder images (also the load bench's, with more of them). */
export async function createPlaceholderSet(db: Db, ownerId: string, name: string, label: ImageLabel, seedBase: number, count = IMAGES_PER_SET) {
  const set = await db.imageSet.create({ data: { ownerId, name, label } });
  for (let i = 0; i < count; i++) {
    const bytes = await placeholderPng(label === ImageLabel.REAL ? "real" : "generated", seedBase + i);
    const contentHash = createHash("sha256").update(bytes).digest("hex");
    const storageKey = `images/${contentHash.slice(0, 2)}/${contentHash}.png`;
    await putObject(storageKey, bytes);
    await db.image.create({
      data: { imageSetId: set.id, label, contentHash, width: PLACEHOLDER_SIZE, height: PLACEHOLDER_SIZE, byteSize: bytes.length, storageKey },
    });
  }
  return set;
}

/** On an empty database: a demo researcher and a live demo study with placeholder images. */
export async function seedDemo(db: Db): Promise<{ created: boolean; linkCode?: string }> {
  if ((await db.user.count()) > 0) return { created: false };
  const owner = await db.user.create({
    data: {
      email: DEMO_CREDENTIALS.email,
      name: "Demo researcher",
      role: Role.RESEARCHER,
      passwordHash: await hashPassword(DEMO_CREDENTIALS.password),
    },
  });
  const real = await createPlaceholderSet(db, owner.id, "Demo real (placeholder)", ImageLabel.REAL, 1000);
  const modelA = await createPlaceholderSet(db, owner.id, "Demo model A (placeholder)", ImageLabel.GENERATED, 2000);
  const modelB = await createPlaceholderSet(db, owner.id, "Demo model B (placeholder)", ImageLabel.GENERATED, 3000);
  const study = await db.study.create({
    data: {
      ownerId: owner.id,
      name: "Demo study (placeholder images)",
      description: "A demo of Percept with generated placeholder images. Not a real experiment: do not cite its numbers.",
      linkCode: newLinkCode(),
      status: StudyStatus.LIVE,
      launchedAt: new Date(),
      protocols: ["HYPE_TIME", "HYPE_INFINITY"],
      config: DEMO_STUDY_CONFIG,
      seed: randomInt(1, 2 ** 31 - 1),
      isDemo: true,
      realImageSetId: real.id,
      arms: {
        create: [
          { name: "Model A", position: 0, generatedSetId: modelA.id, targetEvaluators: 5 },
          { name: "Model B", position: 1, generatedSetId: modelB.id, targetEvaluators: 5 },
        ],
      },
    },
  });
  return { created: true, linkCode: study.linkCode };
}
