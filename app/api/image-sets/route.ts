import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { createImageSet, listImageSets } from "@/lib/storage/image-sets";
import { createImageSetSchema } from "@/lib/validations/image-set";

export const GET = route(async () => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  return NextResponse.json({ imageSets: await listImageSets(getDb(), user) });
});

export const POST = route(async (request: Request) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const input = await readJson(request, createImageSetSchema);
  return NextResponse.json({ imageSet: await createImageSet(getDb(), user, input) }, { status: 201 });
});
