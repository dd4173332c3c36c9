import { NextResponse, type NextRequest } from "next/server";
import { route } from "@/lib/api/handler";
import { requireParticipant } from "@/lib/auth/guard";
import { authSecret } from "@/lib/auth/secret";
import { getDb } from "@/lib/db";
import { nextTrial } from "@/lib/sessions/trials";
import { sessionView } from "@/lib/sessions/view";
import { limitAnnotator } from "@/lib/sessions/rate-limits";

type Context = { params: Promise<{ id: string }> };

/** POST, not GET: it may issue a trial (a state change), and must never be cached or prefetched. */
export const POST = route(async (request: NextRequest, context: Context) => {
  const { participantId } = requireParticipant(request);
  limitAnnotator("trials", participantId);
  const { id } = await context.params;
  const result = await nextTrial(getDb(), { sessionId: id, participantId, secret: authSecret() });
  if ("trial" in result) return NextResponse.json(result);
  return NextResponse.json({ done: true, session: await sessionView(getDb(), id, participantId) });
});
