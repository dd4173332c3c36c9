import { Role, type Db } from "@/lib/db";
import { newSecret, sha256 } from "@/lib/auth/tokens";

const INVITATION_DAYS = 14;

/** Creates an invitation; the returned secret goes into the link and is never stored. */
export async function createInvitation(
  db: Db,
  invitedById: string,
  input: { email: string; role: Role },
  now = new Date(),
): Promise<{ id: string; secret: string; expiresAt: Date }> {
  const secret = newSecret();
  const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000);
  const invitation = await db.invitation.create({
    data: { email: input.email, role: input.role, invitedById, tokenHash: sha256(secret), expiresAt },
  });
  return { id: invitation.id, secret, expiresAt };
}

export async function listInvitations(db: Db) {
  return db.invitation.findMany({
    orderBy: { createdAt: "desc" },
    take: 100,
    select: { id: true, email: true, role: true, createdAt: true, expiresAt: true, acceptedAt: true },
  });
}
