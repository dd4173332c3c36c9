import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/handler";
import { ADMIN_ROLES, requireApiUser } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { readSetting, writeSetting } from "@/lib/settings";
import { updateSettingsSchema } from "@/lib/validations/admin";

export const GET = route(async () => {
  await requireApiUser(ADMIN_ROLES);
  return NextResponse.json({ settings: { openSignup: await readSetting(getDb(), "openSignup") } });
});

export const PATCH = route(async (request: Request) => {
  await requireApiUser(ADMIN_ROLES);
  const input = await readJson(request, updateSettingsSchema);
  await writeSetting(getDb(), "openSignup", input.openSignup);
  return NextResponse.json({ settings: input });
});
