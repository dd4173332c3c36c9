import { describe, expect, it } from "vitest";
import { RateLimiter } from "@/lib/auth/rate-limit";
import { sign, unsign } from "@/lib/auth/signed-value";
import { signUpSchema } from "@/lib/validations/auth";

describe("the sign-in rate limiter", () => {
  it("allows the limit, refuses the next attempt with a wait, and forgets after the window", () => {
    let now = 0;
    const limiter = new RateLimiter(3, 60_000, () => now);
    expect([1, 2, 3].map(() => limiter.hit("ip|a@b.c").allowed)).toEqual([true, true, true]);
    now = 15_000;
    expect(limiter.hit("ip|a@b.c")).toEqual({ allowed: false, retryAfterSeconds: 45 });
    expect(limiter.hit("ip|other@b.c").allowed).toBe(true);
    now = 60_000;
    expect(limiter.hit("ip|a@b.c").allowed).toBe(true);
  });

  it("starts counting again after a reset (a successful sign-in)", () => {
    const limiter = new RateLimiter(2, 60_000, () => 0);
    limiter.hit("k");
    limiter.hit("k");
    limiter.reset("k");
    expect([limiter.hit("k").allowed, limiter.hit("k").allowed, limiter.hit("k").allowed]).toEqual([true, true, false]);
  });
});

describe("signed cookie values", () => {
  it("verify with the same secret and purpose only", () => {
    const signed = sign("participant-123", "secret-a", "participant");
    expect(unsign(signed, "secret-a", "participant")).toBe("participant-123");
    expect(unsign(signed, "secret-b", "participant")).toBeNull();
    expect(unsign(signed, "secret-a", "other-purpose")).toBeNull();
  });

  it("reject forgeries and junk", () => {
    const signed = sign("participant-123", "secret-a", "participant");
    expect(unsign(signed.replace("participant-123", "participant-999"), "secret-a", "participant")).toBeNull();
    for (const junk of [undefined, "", ".", "nodot", `${signed}x`]) expect(unsign(junk, "secret-a", "participant")).toBeNull();
  });
});

describe("sign-up validation", () => {
  const valid = { name: "Ada", email: "  Ada@Example.ORG ", password: "correct-horse-battery" };

  it("normalizes the e-mail", () => {
    expect(signUpSchema.parse(valid).email).toBe("ada@example.org");
  });

  it.each([
    ["short", "must be at least 10 characters"],
    ["aaaaaaaaaaaa", "too repetitive"],
    ["Password123", "too common"],
  ])("refuses the password %j (%s)", (password, message) => {
    const result = signUpSchema.safeParse({ ...valid, password });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain(message);
  });

  it("refuses unknown fields and bad e-mails", () => {
    expect(signUpSchema.safeParse({ ...valid, role: "ADMIN" }).error?.issues[0]?.code).toBe("unrecognized_keys");
    expect(signUpSchema.safeParse({ ...valid, email: "not-an-email" }).success).toBe(false);
  });
});
