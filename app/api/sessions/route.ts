import { NextResponse, type NextRequest } from "next/server";
import { readJson, route } from "@/lib/api/handler";
import { requireParticipant } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { findStudyByLink } from "@/lib/sessions/participants";
import { startSession } from "@/lib/sessions/start";
import { sessionView } from "@/lib/sessions/view";
import { startSessionSchema } from "@/lib/validations/session";
import { notFound } from "@/lib/api/errors";

/** Starts the participant's session in a study, or returns the one they already have. */
export const POST = route(async (request: NextRequest) => {
  const { participantId } = requireParticipant(request);
  const { linkCode } = await readJson(request, startSessionSchema);
  const db = getDb();
  const study = await findStudyByLink(db, linkCode);
  if (!study) throw notFound("Study");
  const session = await startSession(db, { studyId: study.id, participantId });
  return NextResponse.json({ session: await sessionView(db, session.id, participantId) });
});
