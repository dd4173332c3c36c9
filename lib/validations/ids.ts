import { z } from "zod";

/**
 * A record id in a path or query: the database makes cuids (letters and digits); `-` and `_` are
 * allowed for other generators. Anything else (a NUL byte PostgreSQL would refuse, a slash, a
 * quote) is a 400 here rather than a database error later.
 */
export const recordIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, "is not an id");
