import { NextResponse } from "next/server";
import type { z } from "zod";
import { ApiError, toApiError } from "@/lib/api/errors";

export function errorResponse(error: unknown): NextResponse {
  const apiError = toApiError(error);
  if (apiError.code === "INTERNAL") console.error("[api] unhandled error:", error);
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

/** Parses a JSON body with a strict zod schema: malformed JSON and unknown fields are 400s. */
export async function readJson<S extends z.ZodType>(request: Request, schema: S): Promise<z.infer<S>> {
  const text = await request.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError("BAD_REQUEST", "The request body is not valid JSON.");
  }
  if (body === undefined) throw new ApiError("BAD_REQUEST", "The request body is empty; JSON expected.");
  return schema.parse(body);
}
