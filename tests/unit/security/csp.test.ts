import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce } from "@/lib/security/csp";

const directives = (policy: string) => new Map(policy.split("; ").map((directive) => [directive.split(" ")[0]!, directive.split(" ").slice(1)]));

describe("the page Content-Security-Policy", () => {
  it("allows scripts from our origin and the request's nonce only, never inline or eval in production", () => {
    const policy = directives(contentSecurityPolicy({ nonce: "abc123==", development: false }));
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123=='", "'wasm-unsafe-eval'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("worker-src")).toEqual(["'self'", "blob:"]);
    expect(policy.get("connect-src")).toEqual(["'self'", "data:", "blob:"]);
    expect(policy.get("form-action")).toEqual(["'self'"]);
  });

  it("adds only what the development server needs in development", () => {
    const policy = directives(contentSecurityPolicy({ nonce: "n", development: true }));
    expect(policy.get("script-src")).toContain("'unsafe-eval'");
    expect(policy.get("connect-src")).toEqual(["'self'", "data:", "blob:", "ws:"]);
  });

  it("allows eval on the metrics page only (ONNX Runtime needs it there)", () => {
    const scriptSources = (path: string) => directives(contentSecurityPolicy({ nonce: "n", development: false, path })).get("script-src");
    expect(scriptSources("/studies/abc/metrics")).toContain("'unsafe-eval'");
    expect(scriptSources("/studies/abc")).not.toContain("'unsafe-eval'");
    expect(scriptSources("/s/link-code/session")).not.toContain("'unsafe-eval'");
    expect(scriptSources("/studies/abc/metrics/x")).not.toContain("'unsafe-eval'");
  });

  it("makes a new unguessable nonce for every request", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(Buffer.from(nonce, "base64")).toHaveLength(16);
  });
});
