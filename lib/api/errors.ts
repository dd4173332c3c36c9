import { z } from "zod";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";

/** The one error shape of the API: { error: { code, message } } with a matching HTTP status. */
export type ApiErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "UNPROCESSABLE"
  | "RATE_LIMITED"
  | "INSUFFICIENT_STORAGE"
  | "INTERNAL"
  | "UNAVAILABLE";

const STATUS: Record<ApiErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  INSUFFICIENT_STORAGE: 507,
  INTERNAL: 500,
  UNAVAILABLE: 503,
};

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export const unauthenticated = () => new ApiError("UNAUTHENTICATED", "Sign in to continue.");
export const forbidden = (message = "You do not have access to this resource.") => new ApiError("FORBIDDEN", message);

/** Seconds a client should wait before retrying while the database is unreachable. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

export const databaseUnavailable = () =>
  new ApiError("UNAVAILABLE", "The database is unavailable for a moment. Nothing was lost; try again shortly.", {
    "Retry-After": String(UNAVAILABLE_RETRY_AFTER_SECONDS),
  });

export const notFound = (what = "Resource") => new ApiError("NOT_FOUND", `${what} not found.`);

/** A write failed because the server's disk (or the volume of its data directory) is full. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "ENOSPC" || code === "EDQUOT";
}

export const diskFull = (consequence = "Nothing was saved.") =>
  new ApiError("INSUFFICIENT_STORAGE", `The server's disk is full. ${consequence} Ask the administrator to free disk space, then try again.`);

/** "name: Too small" style message naming every field that failed. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.join(".") : "body";
      if (issue.code === "unrecognized_keys") return `${where}: unknown field(s) ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
      return `${where}: ${issue.message}`;
    })
    .join("; ");
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof z.ZodError) return new ApiError("BAD_REQUEST", describeZodError(error));
  if (isDatabaseUnavailable(error)) return databaseUnavailable();
  if (isDiskFull(error)) return diskFull();
  return new ApiError("INTERNAL", "Something went wrong on our side. It has been logged.");
}
