import { ApiError } from "@/lib/api/errors";
import { Role, type Db } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";
import { sha256 } from "@/lib/auth/tokens";
import { readSetting } from "@/lib/settings";
import type { SignUpInput } from "@/lib/validations/auth";

/** Serializes sign-ups so that two people racing on an empty database cannot both become admin. */
const SIGNUP_LOCK = 0x5349474e;

export type NewAccount = { id: string; email: string; role: Role };

/**
 * Creates an account. The first account when no admin exists becomes ADMIN; after that an
 * invitation decides the role, or open sign-up (an admin setting) makes a RESEARCHER.
 */
export async function signUp(db: Db, input: SignUpInput, now = new Date()): Promise<NewAccount> {
  const passwordHash = await hashPassword(input.password); // slow on purpose: keep it out of the transaction
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SIGNUP_LOCK})`;
    let role: Role;
    let invitationId: string | undefined;
    if ((await tx.user.count({ where: { role: Role.ADMIN } })) === 0) {
      role = Role.ADMIN;
    } else if (input.invitation) {
      const invitation = await tx.invitation.findUnique({ where: { tokenHash: sha256(input.invitation) } });
      if (!invitation || invitation.acceptedAt || invitation.expiresAt <= now || invitation.email !== input.email) {
        throw new ApiError("FORBIDDEN", "This invitation is not valid for this e-mail address (used, expired or mistyped).");
      }
      role = invitation.role;
      invitationId = invitation.id;
    } else if (await readSetting(tx, "openSignup")) {
      role = Role.RESEARCHER;
    } else {
      throw new ApiError("FORBIDDEN", "Sign-up is by invitation only. Ask an administrator for an invitation link.");
    }
    if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
      throw new ApiError("CONFLICT", "An account cannot be created with this e-mail address. If it is yours, sign in instead.");
    }
    const user = await tx.user.create({
      data: { name: input.name, email: input.email, passwordHash, role },
      select: { id: true, email: true, role: true },
    });
    if (invitationId) await tx.invitation.update({ where: { id: invitationId }, data: { acceptedAt: now } });
    return user;
  });
}
