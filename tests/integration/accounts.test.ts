import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { createInvitation } from "@/lib/auth/invitations";
import { verifyPassword } from "@/lib/auth/password";
import { signUp } from "@/lib/auth/signup";
import { Role } from "@/lib/db";
import { writeSetting } from "@/lib/settings";
import { signUpSchema } from "@/lib/validations/auth";
import { createTestDatabase, targetKinds, type TestDatabase } from "../support/test-db";

const input = (email: string, extra: Record<string, string> = {}) =>
  signUpSchema.parse({ name: "Someone", email, password: "correct-horse-battery", ...extra });

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe.each(targetKinds())("accounts on %s", (kind) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(kind);
  });
  afterAll(async () => test.cleanup());

  it("concurrent first sign-ups make exactly one admin; the others are refused while sign-up is closed", async () => {
    const results = await Promise.allSettled([input("first@example.org"), input("second@example.org"), input("third@example.org")].map((data) => signUp(test.db, data)));
    const created = results.filter((result) => result.status === "fulfilled");
    expect(created).toHaveLength(1);
    expect((created[0] as PromiseFulfilledResult<{ role: Role }>).value.role).toBe(Role.ADMIN);
    for (const result of results.filter((result) => result.status === "rejected")) {
      expect((result as PromiseRejectedResult).reason).toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await test.db.user.count({ where: { role: Role.ADMIN } })).toBe(1);
  });

  it("stores an argon2id hash, never the password", async () => {
    const admin = await test.db.user.findFirstOrThrow({ where: { role: Role.ADMIN } });
    expect(admin.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(admin.passwordHash!, "correct-horse-battery")).toBe(true);
    expect(await verifyPassword(admin.passwordHash!, "wrong-password")).toBe(false);
  });

  it("an invitation admits its e-mail once, with its role", async () => {
    const admin = await test.db.user.findFirstOrThrow({ where: { role: Role.ADMIN } });
    const invitation = await createInvitation(test.db, admin.id, { email: "invited@example.org", role: Role.RESEARCHER });
    expect((await failure(signUp(test.db, input("other@example.org", { invitation: invitation.secret })))).code).toBe("FORBIDDEN");
    const account = await signUp(test.db, input("invited@example.org", { invitation: invitation.secret }));
    expect(account.role).toBe(Role.RESEARCHER);
    const reused = await failure(signUp(test.db, input("invited@example.org", { invitation: invitation.secret })));
    expect(reused.code).toBe("FORBIDDEN");
    expect(reused.message).toMatch(/not valid/);
  });

  it("an expired invitation is refused", async () => {
    const admin = await test.db.user.findFirstOrThrow({ where: { role: Role.ADMIN } });
    const old = await createInvitation(test.db, admin.id, { email: "late@example.org", role: Role.RESEARCHER }, new Date("2020-01-01"));
    expect((await failure(signUp(test.db, input("late@example.org", { invitation: old.secret })))).code).toBe("FORBIDDEN");
  });

  it("open sign-up makes researchers; a duplicate e-mail is a conflict that does not say whose", async () => {
    await writeSetting(test.db, "openSignup", true);
    expect((await signUp(test.db, input("open@example.org"))).role).toBe(Role.RESEARCHER);
    const duplicate = await failure(signUp(test.db, input("OPEN@example.org")));
    expect(duplicate.code).toBe("CONFLICT");
    expect(duplicate.status).toBe(409);
    expect(duplicate.message).not.toContain("open@example.org");
    expect(await test.db.user.count({ where: { email: "open@example.org" } })).toBe(1);
  });
});
