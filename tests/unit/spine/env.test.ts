import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "@/lib/env";
import { dbTargetFrom, describeTarget } from "@/lib/db/target";
import { datasourceUrlToTarget, embeddedDatasourceUrl } from "@/lib/db/prisma-cli-url";

describe("the env module", () => {
  it("defaults to the embedded database under .data with the demo on", () => {
    const env = parseEnv({});
    expect(env.dataDir).toBe(path.resolve(".data"));
    expect(env.PERCEPT_DEMO).toBe(true);
    expect(dbTargetFrom(env)).toEqual({ kind: "pglite", dataDir: path.resolve(".data/pglite") });
  });

  it("switches to PostgreSQL when DATABASE_URL is set, with the demo off unless asked for", () => {
    const env = parseEnv({ DATABASE_URL: "postgresql://u:secret@db.example:5433/percept" });
    expect(dbTargetFrom(env)).toEqual({ kind: "postgres", url: "postgresql://u:secret@db.example:5433/percept" });
    expect(env.PERCEPT_DEMO).toBe(false);
    expect(describeTarget(dbTargetFrom(env))).toBe("PostgreSQL at db.example:5433/percept");
    expect(parseEnv({ DATABASE_URL: "postgres://h/db", PERCEPT_DEMO: "1" }).PERCEPT_DEMO).toBe(true);
  });

  it("treats empty values as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", AUTH_SECRET: "" }).DATABASE_URL).toBeUndefined();
  });

  it("names every bad variable", () => {
    const attempt = () => parseEnv({ DATABASE_URL: "mysql://nope", AUTH_SECRET: "short", PERCEPT_DEMO: "maybe" });
    expect(attempt).toThrow(EnvError);
    try {
      attempt();
    } catch (error) {
      const issues = (error as EnvError).issues.join("\n");
      expect(issues).toMatch(/DATABASE_URL: must be a postgresql:\/\/ connection URL/);
      expect(issues).toMatch(/AUTH_SECRET: must be at least 32 characters/);
      expect(issues).toMatch(/PERCEPT_DEMO/);
    }
  });
});

describe("the datasource URL handed to the prisma CLI", () => {
  it("round-trips the embedded data directory", () => {
    const url = embeddedDatasourceUrl("/tmp/some dir/pglite");
    expect(datasourceUrlToTarget(url)).toEqual({ kind: "pglite", dataDir: "/tmp/some dir/pglite" });
  });

  it("passes a server URL through and uses a scratch database when there is none", () => {
    expect(datasourceUrlToTarget("postgresql://h:5432/x")).toEqual({ kind: "postgres", url: "postgresql://h:5432/x" });
    expect(datasourceUrlToTarget(undefined)).toEqual({ kind: "pglite", dataDir: "memory://" });
  });
});
