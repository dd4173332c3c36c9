import { describe, expect, it } from "vitest";
import { bearerToken, isApiTokenFormat, newApiTokenSecret, TOKEN_PREFIX } from "@/lib/auth/api-tokens";

describe("API token secrets", () => {
  it("are pct_ + 43 base64url characters (256 bits), different every time", () => {
    const secrets = Array.from({ length: 200 }, newApiTokenSecret);
    for (const secret of secrets) {
      expect(secret.startsWith(TOKEN_PREFIX)).toBe(true);
      expect(secret).toHaveLength(47);
      expect(isApiTokenFormat(secret)).toBe(true);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it("the format check refuses what cannot be a token before any database look-up", () => {
    const secret = newApiTokenSecret();
    expect(isApiTokenFormat(secret.slice(4))).toBe(false);
    expect(isApiTokenFormat(`${secret}A`)).toBe(false);
    expect(isApiTokenFormat(`PCT_${secret.slice(4)}`)).toBe(false);
    expect(isApiTokenFormat(`${secret.slice(0, 46)}=`)).toBe(false);
    expect(isApiTokenFormat(` ${secret}`)).toBe(false);
  });
});

describe("bearerToken", () => {
  it("reads the token of a Bearer header, any case, trimmed", () => {
    expect(bearerToken("Bearer pct_abc")).toBe("pct_abc");
    expect(bearerToken("bearer   pct_abc  ")).toBe("pct_abc");
    expect(bearerToken("BEARER pct_abc")).toBe("pct_abc");
  });

  it("an empty Bearer header is an (invalid) empty token, not a missing one", () => {
    expect(bearerToken("Bearer")).toBe("");
    expect(bearerToken("Bearer   ")).toBe("");
  });

  it("no header or another scheme leaves the session in charge", () => {
    expect(bearerToken(null)).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken("")).toBeNull();
    expect(bearerToken("Basic dXNlcjpwYXNz")).toBeNull();
    expect(bearerToken("Bearerpct_abc")).toBeNull();
  });
});
