import { NextResponse } from "next/server";
import type { z } from "zod";
import { ApiError, toApiError } from "@/lib/api/errors";

export function errorResponse(error: unknown): NextResponse {
  const apiError = toApiError(error);
  if (apiError.code === "INTERNAL") console.error("[api] unhandled error:", error);
  if (apiError.code === "UNAVAILABLE") console.warn(`[api] database unavailable: ${error instanceof Error ? error.message : String(error)}`);
  else if (apiError.code === "INSUFFICIENT_STORAGE") console.error("[api] disk full:", error);
  return NextResponse.json(
    { error: { code: apiError.code, message: apiError.message } },
    { status: apiError.status, headers: apiError.headers },
  );
}

/** Wraps a route handler so that every failure leaves in the one error shape. */
export function route<Args extends unknown[]>(handler: (...args: Args) => Promise<Response>) {
  return async (...args: Args): Promise<Response> => {
    try {
      return await handler(...args);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** Far above any JSON body of this API (a study's texts are at most a few hundred kB). */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

const bodyTooLarge = () => new ApiError("BAD_REQUEST", `The request body is larger than ${MAX_JSON_BODY_BYTES} bytes.`);

/** The body as text, refused as soon as it passes the limit (a missing Content-Length does not help). */
async function readBodyText(request: Request): Promise<string> {
  if (Number(request.headers.get("content-length") ?? 0) > MAX_JSON_BODY_BYTES) throw bodyTooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_JSON_BODY_BYTES) {
      await reader.cancel();
      throw bodyTooLarge();
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new ApiError("BAD_REQUEST", "The request body is not valid UTF-8.");
  }
}

/** application/json, or a +json type, with any parameters (charset). */
const JSON_CONTENT_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/**
 * Parses a JSON body with a strict zod schema: another content type, malformed JSON and unknown
 * fields are 400s. Requiring the JSON content type keeps cross-site HTML forms and "simple"
 * no-CORS requests (text/plain) from ever reaching a handler, whatever the cookies' SameSite.
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  if (!JSON_CONTENT_TYPE.test(request.headers.get("content-type") ?? "")) {
    throw new ApiError("BAD_REQUEST", "Send the body as JSON, with Content-Type: application/json.");
  }
  const text = await readBodyText(request);
  if (!text) throw new ApiError("BAD_REQUEST", "The request body is empty; JSON expected.");
  return schema.parse(parseJsonText(text, "The request body"));
}

class NulInJson extends Error {}

/**
 * JSON.parse, with every failure a 400 naming `what`. A NUL character in any string or key is refused:
 * PostgreSQL stores neither it in text nor \u0000 in jsonb, and would fail the request with a 500.
 */
export function parseJsonText(text: string, what: string): unknown {
  try {
    return JSON.parse(text, (key, value: unknown) => {
      if (key.includes("\u0000") || (typeof value === "string" && value.includes("\u0000"))) throw new NulInJson();
      return value;
    });
  } catch (error) {
    if (error instanceof NulInJson) throw new ApiError("BAD_REQUEST", `${what} has a NUL character in a string or key.`);
    throw new ApiError("BAD_REQUEST", `${what} is not valid JSON.`);
  }
}
