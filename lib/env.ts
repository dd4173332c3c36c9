import path from "node:path";
import { z } from "zod";

/**
 * The one place that reads process.env. Everything else imports `env`.
 * Validation happens on first use so that a bad variable stops start-up with its name.
 */
const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), "must be a postgresql:// connection URL");

const booleanFlag = z
  .enum(["1", "0", "true", "false", "yes", "no"])
  .transform((value) => value === "1" || value === "true" || value === "yes");

const perMinute = z.coerce.number().int().min(0).max(1_000_000);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  DATABASE_URL: postgresUrl.optional(),
  PERCEPT_DATA_DIR: z.string().trim().min(1).default(".data"),
  AUTH_SECRET: z.string().min(32, "must be at least 32 characters (try: openssl rand -base64 32)").optional(),
  /** Seed a demo researcher and study on an empty database. Default: on for the embedded database only. */
  PERCEPT_DEMO: booleanFlag.optional(),
  /** Plain-http test servers in production mode: cookies without the Secure flag. */
  PERCEPT_INSECURE_COOKIES: booleanFlag.default(false),
  /** Behind a reverse proxy that appends the client's address to X-Forwarded-For (docs/security.md). */
  PERCEPT_TRUST_PROXY: booleanFlag.default(false),
  PERCEPT_SIGNIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(10),
  PERCEPT_SIGNIN_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /**
   * Per-participant budgets of the annotator API, per minute (docs/security.md); 0 turns one off
   * (load benchmarks whose simulated annotators answer faster than people can).
   */
  PERCEPT_ANSWERS_PER_MINUTE: perMinute.default(60),
  PERCEPT_TRIALS_PER_MINUTE: perMinute.default(120),
  PERCEPT_STIMULI_PER_MINUTE: perMinute.default(600),
});

export type Env = Omit<z.infer<typeof schema>, "PERCEPT_DEMO"> & {
  PERCEPT_DEMO: boolean;
  /** Absolute data directory (embedded database, uploaded images, generated secret). */
  dataDir: string;
};

export class EnvError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid environment configuration:\n${issues.map((issue) => `  - ${issue}`).join("\n")}\nSee .env.example.`);
    this.name = "EnvError";
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings come from `VAR=` lines in .env files; treat them as unset.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`));
  }
  const data = result.data;
  return { ...data, PERCEPT_DEMO: data.PERCEPT_DEMO ?? !data.DATABASE_URL, dataDir: path.resolve(data.PERCEPT_DATA_DIR) };
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
