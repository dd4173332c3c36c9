import { randomBytes, randomInt } from "node:crypto";
import { assertStudyAccess, type CurrentUser } from "@/lib/auth/guard";
import { Role, type Db } from "@/lib/db";
import { DEFAULT_STUDY_CONFIG } from "@/lib/studies/defaults";
import type { CreateStudyInput } from "@/lib/validations/study";

const summary = {
  id: true,
  name: true,
  description: true,
  status: true,
  protocols: true,
  linkCode: true,
  isDemo: true,
  createdAt: true,
  ownerId: true,
  _count: { select: { arms: true, sessions: true } },
} as const;

export async function listStudies(db: Db, user: CurrentUser) {
  return db.study.findMany({
    where: user.role === Role.ADMIN ? {} : { ownerId: user.id },
    orderBy: { createdAt: "desc" },
    select: summary,
  });
}

/** A public link code: short enough to type, long enough (≈ 72 bits) not to be guessed. */
export function newLinkCode(): string {
  return randomBytes(9).toString("base64url");
}

export async function createStudy(db: Db, user: CurrentUser, input: CreateStudyInput) {
  return db.study.create({
    data: {
      ownerId: user.id,
      name: input.name,
      description: input.description,
      protocols: input.protocols,
      config: DEFAULT_STUDY_CONFIG,
      linkCode: newLinkCode(),
      seed: randomInt(1, 2 ** 31 - 1),
    },
    select: summary,
  });
}

export async function getStudy(db: Db, user: CurrentUser, id: string) {
  const study = await db.study.findUnique({
    where: { id },
    select: {
      ...summary,
      config: true,
      instructions: true,
      consentText: true,
      feedback: true,
      qualificationRequired: true,
      qualificationDomain: true,
      recruitment: true,
      prolificCompletionCode: true,
      realImageSetId: true,
      seed: true,
      launchedAt: true,
      closedAt: true,
      arms: { orderBy: { position: "asc" } },
    },
  });
  return assertStudyAccess(user, study);
}

/** The image sets a study may use: its owner's, with image counts and their size(s). */
export async function imageSetOptions(db: Db, ownerId: string) {
  const sets = await db.imageSet.findMany({ where: { ownerId }, orderBy: { createdAt: "desc" }, select: { id: true, name: true, label: true } });
  const sizes = await db.image.groupBy({
    by: ["imageSetId", "width", "height"],
    where: { imageSetId: { in: sets.map((set) => set.id) } },
    _count: { _all: true },
  });
  return sets.map((set) => {
    const own = sizes.filter((size) => size.imageSetId === set.id);
    return {
      ...set,
      images: own.reduce((sum, size) => sum + size._count._all, 0),
      size: own.length === 1 ? `${own[0]!.width}×${own[0]!.height}` : own.length > 1 ? "mixed sizes" : null,
    };
  });
}
