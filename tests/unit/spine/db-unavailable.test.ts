import { describe, expect, it } from "vitest";
import { toApiError } from "@/lib/api/errors";
import { route } from "@/lib/api/handler";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";

/** Shapes as the three layers raise them (node-postgres / Node sockets, @prisma/adapter-pg, Prisma). */
const socketRefused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED", syscall: "connect", errno: -111 });
const adminShutdown = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01", severity: "FATAL" });
const terminated = new Error("Connection terminated unexpectedly");
const prismaWrapped = Object.assign(new Error("Invalid `prisma.trial.update()` invocation"), {
  code: "P2010",
  meta: { driverAdapterError: { cause: { kind: "ConnectionClosed" } } },
});
const prismaUnreachable = Object.assign(new Error("Can't reach database server"), { code: "P1001" });
const adapterPostgres = Object.assign(new Error("driver error"), { cause: { kind: "postgres", originalCode: "57P03", code: "57P03" } });

describe("database unavailability", () => {
  it.each([
    ["a refused socket", socketRefused],
    ["an admin shutdown (PostgreSQL restart)", adminShutdown],
    ["a connection cut by node-postgres", terminated],
    ["an adapter error wrapped by Prisma", prismaWrapped],
    ["Prisma's can't-reach code", prismaUnreachable],
    ["a SQLSTATE under an adapter cause", adapterPostgres],
    ["a connection error inside an AggregateError", new AggregateError([socketRefused], "all attempts failed")],
    ["a transaction that expired in an overloaded queue (rolled back)", Object.assign(new Error("Transaction API error: A commit cannot be executed on an expired transaction. The timeout for this transaction was 5000 ms"), { code: "P2028" })],
  ])("recognizes %s", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ["a unique violation", Object.assign(new Error("duplicate key"), { code: "23505", severity: "ERROR" })],
    ["a Prisma not-found", Object.assign(new Error("No record"), { code: "P2025" })],
    ["a transaction misused by the code", Object.assign(new Error("Transaction API error: Transaction not found."), { code: "P2028" })],
    ["a plain bug", new TypeError("cannot read properties of undefined")],
    ["a string", "ECONNREFUSED"],
    ["null", null],
  ])("does not mistake %s for it", (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it("survives a cause cycle", () => {
    const a: { message: string; cause?: unknown } = { message: "a" };
    a.cause = { message: "b", cause: a };
    expect(isDatabaseUnavailable(a)).toBe(false);
  });

  it("becomes a JSON 503 in the one error shape, with Retry-After, and is not logged as a bug", async () => {
    const warn = console.warn;
    const logged: unknown[] = [];
    console.warn = (...args: unknown[]) => logged.push(args);
    try {
      const response = await route(async () => {
        throw adminShutdown;
      })();
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("2");
      expect(await response.json()).toEqual({ error: { code: "UNAVAILABLE", message: expect.stringMatching(/try again/) } });
      expect(logged).toHaveLength(1);
    } finally {
      console.warn = warn;
    }
    expect(toApiError(new Error("boom")).status).toBe(500);
  });
});
