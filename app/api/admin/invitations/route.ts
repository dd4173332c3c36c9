import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/handler";
import { ADMIN_ROLES, requireApiUser } from "@/lib/auth/guard";
import { createInvitation, listInvitations } from "@/lib/auth/invitations";
import { getDb } from "@/lib/db";
import { createInvitationSchema } from "@/lib/validations/admin";

export const GET = route(async () => {
  await requireApiUser(ADMIN_ROLES);
  return NextResponse.json({ invitations: await listInvitations(getDb()) });
});

/** Returns the sign-up link once; only a hash of its secret is kept. */
export const POST = route(async (request: Request) => {
  const admin = await requireApiUser(ADMIN_ROLES);
  const input = await readJson(request, createInvitationSchema);
  const invitation = await createInvitation(getDb(), admin.id, input);
  const origin = new URL(request.url).origin;
  const link = `${origin}/signup?invitation=${invitation.secret}&email=${encodeURIComponent(input.email)}`;
  return NextResponse.json({ invitation: { id: invitation.id, expiresAt: invitation.expiresAt, link } }, { status: 201 });
});
