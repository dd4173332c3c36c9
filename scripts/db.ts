/**
 * Database commands that work offline, on the embedded database or a PostgreSQL server:
 *   tsx scripts/db.ts migrate          apply committed migrations (what dev/start/test run)
 *   tsx scripts/db.ts new <name>       write prisma/migrations/<ts>_<name>/ from schema.prisma changes
 *   tsx scripts/db.ts check            fail when the migrations do not produce schema.prisma exactly
 */
import { getEnv } from "@/lib/env";
import { migrateDatabase, MigrationError, pendingSchemaChanges } from "@/lib/db/migrate";
import { writeMigration } from "@/lib/db/migration-files";
import { dbTargetFrom, describeTarget } from "@/lib/db/target";

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "migrate": {
      const target = dbTargetFrom(getEnv());
      const applied = await migrateDatabase(target, (line) => console.log(`[db] ${line}`));
      console.log(`[db] ${describeTarget(target)}: ${applied.length ? `${applied.length} migration(s) applied` : "up to date"}`);
      return 0;
    }
    case "new": {
      const name = rest[0];
      if (!name) throw new Error("usage: npm run db:new -- <name>");
      const sql = await pendingSchemaChanges();
      if (!sql) {
        console.log("[db] schema.prisma matches the migrations: nothing to write.");
        return 0;
      }
      console.log(`[db] wrote prisma/migrations/${writeMigration(name, sql)}/migration.sql`);
      return 0;
    }
    case "check": {
      const sql = await pendingSchemaChanges();
      if (sql) {
        console.error(`[db] prisma/migrations does not produce schema.prisma. Missing:\n${sql}\nRun: npm run db:new -- <name>`);
        return 1;
      }
      console.log("[db] migrations produce schema.prisma exactly.");
      return 0;
    }
    default:
      console.error("usage: tsx scripts/db.ts migrate | new <name> | check");
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof MigrationError || error instanceof Error ? error.message : String(error);
    console.error(`[db] ${message}`);
    process.exit(1);
  },
);
