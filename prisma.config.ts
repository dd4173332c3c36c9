import path from "node:path";
import { defineConfig } from "prisma/config";
import { embeddedDatasourceUrl } from "./lib/db/prisma-cli-url";
import { dbTargetFrom } from "./lib/db/target";
import { getEnv } from "./lib/env";

// The native schema engine would be downloaded; ours runs the CLI's WASM build (docs/database.md).
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("scripts/prisma-schema-engine");

const target = dbTargetFrom(getEnv());

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: target.kind === "postgres" ? target.url : embeddedDatasourceUrl(target.dataDir) },
});
