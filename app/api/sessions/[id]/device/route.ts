import { NextResponse, type NextRequest } from "next/server";
import { readJson, route } from "@/lib/api/handler";
import { requireParticipant } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { recordDevice, sessionView } from "@/lib/sessions/view";
import { deviceReportSchema } from "@/lib/validations/session";

type Context = { params: Promise<{ id: string }> };

export const POST = route(async (request: NextRequest, context: Context) => {
  const { participantId } = requireParticipant(request);
  const { id } = await context.params;
  const report = await readJson(request, deviceReportSchema);
  await recordDevice(getDb(), id, participantId, report);
  return NextResponse.json({ session: await sessionView(getDb(), id, participantId) });
});
