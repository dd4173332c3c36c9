import { NextResponse, type NextRequest } from "next/server";
import { readJson, route } from "@/lib/api/handler";
import { requireParticipant } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { submitAnswer } from "@/lib/sessions/trials";
import { answerSchema } from "@/lib/validations/session";
import { limitAnnotator } from "@/lib/sessions/rate-limits";

type Context = { params: Promise<{ id: string }> };

/** Idempotent on (session, trial index): a retry gets the stored outcome. */
export const POST = route(async (request: NextRequest, context: Context) => {
  const { participantId } = requireParticipant(request);
  limitAnnotator("answers", participantId);
  const { id } = await context.params;
  const answer = await readJson(request, answerSchema);
  return NextResponse.json(await submitAnswer(getDb(), { sessionId: id, participantId, answer }));
});
