import { NextResponse, type NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { contentSecurityPolicy, newNonce } from "@/lib/security/csp";

/**
 * Every page request: a fresh CSP nonce (Next.js reads it from the request's CSP header and puts
 * it on its inline scripts), and the requested path for server layouts, so that a sign-in
 * redirect can come back to it.
 */
export function proxy(request: NextRequest) {
  const policy = contentSecurityPolicy({
    nonce: newNonce(),
    development: getEnv().NODE_ENV === "development",
    path: request.nextUrl.pathname,
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-percept-path", request.nextUrl.pathname + request.nextUrl.search);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = { matcher: ["/((?!api|_next|ort|favicon.ico).*)"] };
