"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { participantCookieOptions } from "@/lib/auth/cookies";
import { getCurrentUser, getParticipantId } from "@/lib/auth/guard";
import { authSecret } from "@/lib/auth/secret";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { linkCodeSchema } from "@/lib/validations/session";
import { joinStudyByLink, PARTICIPANT_COOKIE, participantCookieValue } from "@/lib/sessions/participants";

/** Whatever Prolific puts in the link (hex ids, or `{{%PROLIFIC_PID%}}` in a preview); no control characters. */
const externalId = z
  .string()
  .max(64)
  .regex(/^[^\u0000-\u001f\u007f]*$/, "has control characters")
  .optional();

const joinForm = z.object({
  code: linkCodeSchema,
  consent: z.literal("yes"),
  prolificPid: externalId,
  prolificStudyId: externalId,
  prolificSessionId: externalId,
});

/** Consent given: register the annotator (account or not) and keep them in a signed cookie. */
export async function joinStudyAction(formData: FormData): Promise<void> {
  const input = joinForm.parse(Object.fromEntries([...formData.entries()].filter(([, value]) => value !== "")));
  const cookieStore = await cookies();
  const user = await getCurrentUser();
  const { participantId } = await joinStudyByLink(getDb(), {
    linkCode: input.code,
    userId: user?.id,
    participantId: await getParticipantId(),
    external: { prolificPid: input.prolificPid, prolificStudyId: input.prolificStudyId, prolificSessionId: input.prolificSessionId },
  });
  cookieStore.set(PARTICIPANT_COOKIE, participantCookieValue(participantId, authSecret()), participantCookieOptions(getEnv()));
  redirect(`/s/${encodeURIComponent(input.code)}/session`);
}
