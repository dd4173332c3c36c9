import type { NextRequest } from "next/server";
import { route } from "@/lib/api/handler";
import { notFound } from "@/lib/api/errors";
import { requireParticipant } from "@/lib/auth/guard";
import { authSecret } from "@/lib/auth/secret";
import { getDb } from "@/lib/db";
import { stimulusBytes } from "@/lib/sessions/stimuli";
import { limitAnnotator } from "@/lib/sessions/rate-limits";

type Context = { params: Promise<{ token: string }> };

/**
 * Serves a stimulus or mask by opaque token. Every image is stored normalized (one format, no
 * metadata), and the headers are the same for all: nothing here tells real from generated.
 */
export const GET = route(async (request: NextRequest, context: Context) => {
  const { participantId } = requireParticipant(request);
  limitAnnotator("stimuli", participantId);
  const { token } = await context.params;
  const bytes = await stimulusBytes(getDb(), { token, participantId, secret: authSecret() });
  if (!bytes) throw notFound("Image");
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": "image/png",
      "Cache-Control": "no-store, private",
      "Content-Length": String(bytes.length),
    },
  });
});
