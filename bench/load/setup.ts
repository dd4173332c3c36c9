/**
 * The load bench's own world: a fresh PostgreSQL database, migrated, holding one live study with
 * the paper's protocol (DEFAULT_STUDY_CONFIG: 3 HYPE_time blocks of 150 trials) and pools large
 * enough for it. Images are the demo's seeded placeholders, written to the bench's data directory.
 */
import { randomInt } from "node:crypto";
import pg from "pg";
import { ImageLabel, Role, StudyStatus } from "@/lib/db";
import { openDb, type DbHandle } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { createPlaceholderSet } from "@/lib/demo/seed";
import { DEFAULT_STUDY_CONFIG } from "@/lib/studies/defaults";
import { newLinkCode } from "@/lib/studies/service";

/** 3 × 150 timed trials, half real: each session needs 225 unseen images of each label. */
const IMAGES_PER_SET = 240;

export type LoadStudy = { studyId: string; linkCode: string };

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates an empty database named after the run on the server of `serverUrl`; returns its URL. */
export async function createRunDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, "postgres") });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
  return withDatabase(serverUrl, name);
}

/** Migrates the database and creates a live two-arm HYPE_time study that never runs out of places. */
export async function createLoadStudy(databaseUrl: string): Promise<LoadStudy> {
  await migrateDatabase({ kind: "postgres", url: databaseUrl });
  const handle: DbHandle = openDb({ kind: "postgres", url: databaseUrl }, { poolSize: 2 });
  try {
    const db = handle.db;
    const owner = await db.user.create({ data: { email: `load-${Date.now()}@percept.local`, name: "Load bench", role: Role.RESEARCHER } });
    const real = (await createPlaceholderSet(db, owner.id, "Load real", ImageLabel.REAL, 10_000, IMAGES_PER_SET)).id;
    const armA = (await createPlaceholderSet(db, owner.id, "Load model A", ImageLabel.GENERATED, 20_000, IMAGES_PER_SET)).id;
    const armB = (await createPlaceholderSet(db, owner.id, "Load model B", ImageLabel.GENERATED, 30_000, IMAGES_PER_SET)).id;
    const study = await db.study.create({
      data: {
        ownerId: owner.id,
        name: "Load bench study",
        linkCode: newLinkCode(),
        status: StudyStatus.LIVE,
        launchedAt: new Date(),
        protocols: ["HYPE_TIME"],
        config: DEFAULT_STUDY_CONFIG,
        seed: randomInt(1, 2 ** 31 - 1),
        realImageSetId: real,
        arms: {
          create: [
            { name: "Model A", position: 0, generatedSetId: armA, targetEvaluators: 1_000_000 },
            { name: "Model B", position: 1, generatedSetId: armB, targetEvaluators: 1_000_000 },
          ],
        },
      },
    });
    return { studyId: study.id, linkCode: study.linkCode };
  } finally {
    await handle.close();
  }
}
