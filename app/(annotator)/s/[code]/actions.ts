"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getCurrentUser, getParticipantId } from "@/lib/auth/guard";
import { authSecret } from "@/lib/auth/secret";
import { sign } from "@/lib/auth/signed-value";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { joinStudyByLink, PARTICIPANT_COOKIE, PARTICIPANT_COOKIE_PURPOSE } from "@/lib/sessions/participants";

const joinForm = z.object({
  code: z.string().min(1).max(64),
  consent: z.literal("yes"),
  prolificPid: z.string().max(64).optional(),
  prolificStudyId: z.string().max(64).optional(),
  prolificSessionId: z.string().max(64).optional(),
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
  cookieStore.set(PARTICIPANT_COOKIE, sign(participantId, authSecret(), PARTICIPANT_COOKIE_PURPOSE), {
    httpOnly: true,
    sameSite: "lax",
    secure: getEnv().NODE_ENV === "production" && !getEnv().PERCEPT_INSECURE_COOKIES,
    path: "/",
    maxAge: 60 * 60 * 24 * 30,
  });
  redirect(`/s/${encodeURIComponent(input.code)}/session`);
}
