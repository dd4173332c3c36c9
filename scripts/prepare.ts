/**
 * What `npm run dev` and `npm start` do before Next.js starts: validate the configuration, apply
 * migrations, and on an empty database seed the demo. Any problem stops here with a clear message
 * and a non-zero exit, instead of a server that crashes on its first request.
 */
import { openDb } from "@/lib/db/client";
import { withMigrationLock } from "@/lib/db/database-lock";
import { migrateDatabase } from "@/lib/db/migrate";
import { dbTargetFrom, describeTarget } from "@/lib/db/target";
import { DEMO_CREDENTIALS, seedDemo } from "@/lib/demo/seed";
import { authSecret } from "@/lib/auth/secret";
import { getEnv } from "@/lib/env";

async function main(): Promise<void> {
  const env = getEnv();
  const target = dbTargetFrom(env);
  authSecret(); // made once, before several processes could race for it
  const applied = await migrateDatabase(target, (line) => console.log(`[percept] ${line}`));
  console.log(`[percept] database: ${describeTarget(target)} (${applied.length ? `${applied.length} migration(s) applied` : "up to date"})`);
  if (!env.PERCEPT_DEMO) return;
  const handle = openDb(target, { poolSize: 2 });
  try {
    // Under the same lock as migrations: two instances starting at once must not both seed.
    const demo = await withMigrationLock(target, () => seedDemo(handle.db));
    if (demo.created) {
      console.log("[percept] ─────────────────────────────────────────────────────────────");
      console.log("[percept] Empty database: created a demo study with placeholder images.");
      console.log(`[percept]   demo researcher: ${DEMO_CREDENTIALS.email} / ${DEMO_CREDENTIALS.password}`);
      console.log(`[percept]   annotator link:  /s/${demo.linkCode}`);
      console.log("[percept] The first account you create yourself becomes the administrator.");
      console.log("[percept] ─────────────────────────────────────────────────────────────");
    }
  } finally {
    await handle.close();
  }
}

main().catch((error: unknown) => {
  console.error(`[percept] cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
