import type { IncomingMessage, ServerResponse } from "node:http";
import { NextRequest } from "next/server";
import { MAX_JSON_BODY_BYTES } from "@/lib/api/handler";
import responseHeaders from "@/lib/security/response-headers.json";

/**
 * Runs an App Router route handler (a function of a NextRequest and its params) on Node's own
 * request and response, for server.ts's annotator fast path. Next's request pipeline costs more
 * CPU per request than the trial loop's own work (docs/benchmarks.md); the handler is the same.
 */
export type RouteHandler<P> = (request: NextRequest, context: { params: Promise<P> }) => Promise<Response>;

/**
 * The body, kept up to one byte past the JSON limit so that the handler's own check refuses it
 * with its usual 400; the rest is drained, so memory stays bounded whatever is sent.
 */
function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    request.on("data", (chunk: Buffer) => {
      if (kept > MAX_JSON_BODY_BYTES) return;
      const part = chunk.subarray(0, MAX_JSON_BODY_BYTES + 1 - kept);
      chunks.push(part);
      kept += part.length;
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function headersOf(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    try {
      headers.append(request.rawHeaders[i]!, request.rawHeaders[i + 1]!);
    } catch {
      // A header a Web Headers object refuses is one no route here reads.
    }
  }
  return headers;
}

export async function toNextRequest(request: IncomingMessage, pathAndQuery: string): Promise<NextRequest> {
  const method = request.method ?? "GET";
  const body = method === "GET" || method === "HEAD" ? undefined : await readBody(request);
  // The origin is not the client's Host header: these handlers never build URLs from it.
  return new NextRequest(new URL(pathAndQuery, "http://percept.local"), {
    method,
    headers: headersOf(request),
    body: body && body.length > 0 ? new Uint8Array(body) : undefined,
  });
}

/** Writes a Web Response with the headers every response carries (next.config.js sends the same). */
export async function sendResponse(response: Response, out: ServerResponse): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  out.statusCode = response.status;
  for (const { key, value } of responseHeaders) out.setHeader(key, value);
  for (const [key, value] of response.headers) if (key !== "set-cookie") out.setHeader(key, value);
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) out.setHeader("set-cookie", cookies);
  out.setHeader("content-length", body.length);
  out.end(body);
}
