/**
 * PostgreSQL for the fault scripts. Restarting the machine's shared cluster would cut everyone
 * else's connections too, so by default the scripts use a cluster of their own
 * ("percept_faults", PostgreSQL 15), reachable only through a Unix socket (no TCP port), created
 * on first use. `--cluster main --pg <url>` runs against the shared cluster instead. Needs root.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

export const FAULT_CLUSTER = { version: "15", name: "percept_faults", socketDir: "/var/run/postgresql-percept-faults", port: 5439 };

export function assertRoot(): void {
  if (process.getuid?.() !== 0) throw new Error("fault scripts need root (they restart PostgreSQL with pg_ctlcluster)");
}

function clusterExists(version: string, name: string): boolean {
  return existsSync(`/etc/postgresql/${version}/${name}/postgresql.conf`);
}

/** Creates and starts the private cluster if needed; returns a URL to its `postgres` database. */
export function ensureFaultCluster(): string {
  const { version, name, socketDir, port } = FAULT_CLUSTER;
  if (!clusterExists(version, name)) {
    execFileSync("install", ["-d", "-o", "postgres", "-g", "postgres", socketDir]);
    execFileSync(
      "pg_createcluster",
      [version, name, "-p", String(port), "-o", "listen_addresses=", "-o", `unix_socket_directories=${socketDir}`, "--", "--auth-local=trust"],
      { stdio: "ignore" },
    );
  }
  execFileSync("install", ["-d", "-o", "postgres", "-g", "postgres", socketDir]);
  const status = execFileSync("pg_lsclusters", ["--no-header", version, name]).toString();
  if (!status.includes("online")) execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, name, "start"], { stdio: "ignore" });
  execFileSync(
    "runuser",
    ["-u", "postgres", "--", "psql", "-h", socketDir, "-p", String(port), "-qc",
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'percept_ci') THEN CREATE ROLE percept_ci LOGIN CREATEDB PASSWORD 'percept_ci'; END IF; END $$"],
    { stdio: "ignore" },
  );
  return `postgresql://percept_ci:percept_ci@localhost:${port}/postgres?host=${encodeURIComponent(socketDir)}`;
}

export function restartCluster(version: string, name: string): void {
  execFileSync("pg_ctlcluster", ["--skip-systemctl-redirect", version, name, "restart"], { stdio: "ignore" });
}
