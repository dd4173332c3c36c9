/**
 * Whether an error means "the database cannot be reached right now" (server restarting, down,
 * connections cut, pool exhausted, transactions timing out in an overloaded queue) rather than a bug. Such failures are worth a retry, so the API
 * answers them with a 503 instead of a 500. Errors come from three layers and are matched on
 * their stable codes, following `cause` and Prisma's `meta`: node-postgres and Node sockets,
 * @prisma/adapter-pg's error kinds, and Prisma's own P10xx codes.
 */

/** Node socket errors while connecting or talking to the server. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"]);

/** SQLSTATE: class 08 (connection exception), 57P01–57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections). */
const SQLSTATE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** @prisma/adapter-pg's mapped error kinds for the same situations. */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

/** Prisma: can't reach (P1001), timed out (P1002, P1008), server closed the connection (P1017), pool timeout (P2024). */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);

/**
 * node-postgres raises these as plain Errors, without a code; Prisma's P2028 covers both an
 * overloaded pool or lock queue (no connection in time, or the transaction outlived its timeout:
 * rolled back, so a retry is safe) and programming errors, so only those messages count.
 */
const PG_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
  "Unable to start a transaction in the given time",
  "cannot be executed on an expired transaction",
];

type ErrorLike = { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: unknown; originalCode?: unknown };

function isUnavailableNode(error: ErrorLike): boolean {
  for (const code of [error.code, error.originalCode]) {
    if (typeof code !== "string") continue;
    if (SOCKET_CODES.has(code) || SQLSTATE.test(code) || PRISMA_CODES.has(code)) return true;
  }
  if (typeof error.kind === "string" && ADAPTER_KINDS.has(error.kind)) return true;
  return typeof error.message === "string" && PG_MESSAGES.some((text) => (error.message as string).includes(text));
}

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (current === null || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const node = current as ErrorLike;
    if (isUnavailableNode(node)) return true;
    pending.push(node.cause);
    if (node.meta && typeof node.meta === "object") pending.push(...Object.values(node.meta));
    if (current instanceof AggregateError) pending.push(...current.errors);
  }
  return false;
}
