/**
 * The production server (`npm start`): Next.js, with the annotator's trial loop mounted directly
 * on node:http in front of it.
 *
 * Three requests carry all of a running study's traffic: next trial, its stimulus, the answer.
 * Through Next's request pipeline each cost ≈ 3 ms of CPU, most of it the pipeline itself; the
 * same route handlers (app/api/...), called here with a NextRequest built from Node's request,
 * cost a fraction of that (docs/benchmarks.md). Everything else, those paths' other methods
 * included, goes to Next unchanged. `npm run dev` runs plain `next dev`: the same handlers, served
 * by Next.
 *
 *   tsx server.ts [-p PORT] [-H HOSTNAME]      (defaults: $PORT or 3000, $HOSTNAME or 0.0.0.0)
 */
import http from "node:http";
import { parseArgs } from "node:util";
import type { RouteHandler } from "@/lib/http/node-web"; // a type only: loads nothing before Next

// `next start` sets it too; Next's types mark it read-only.
(process.env as Record<string, string | undefined>).NODE_ENV ??= "production";

const { values: args } = parseArgs({
  options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
  strict: true,
});
const port = Number(args.port ?? process.env.PORT ?? 3000);
const hostname = args.hostname ?? process.env.HOSTNAME ?? "0.0.0.0";

// After NODE_ENV is set: Next and the env module read it when they load.
const { default: next } = await import("next");
const app = next({ dev: false, hostname, port });
await app.prepare();
const handleWithNext = app.getRequestHandler();

// After Next is prepared: next/server needs the request storage Next installs as it starts.
const { errorResponse } = await import("@/lib/api/handler");
const { CLIENT_ADDRESS_HEADER, clientAddressFor } = await import("@/lib/auth/client-address");
const { getEnv } = await import("@/lib/env");
const trustProxy = getEnv().PERCEPT_TRUST_PROXY;
const { sendResponse, toNextRequest } = await import("@/lib/http/node-web");
const nextTrialRoute = await import("@/app/api/sessions/[id]/next/route");
const answersRoute = await import("@/app/api/sessions/[id]/answers/route");
const stimulusRoute = await import("@/app/api/stimuli/[token]/route");

type FastRoute = { method: string; path: RegExp; param: string; handler: RouteHandler<Record<string, string>> };

/** The fast path: each entry is an app/api route handler, under the path Next serves it at. */
const FAST_ROUTES: FastRoute[] = [
  { method: "POST", path: /^\/api\/sessions\/([^/]+)\/next$/, param: "id", handler: nextTrialRoute.POST as FastRoute["handler"] },
  { method: "POST", path: /^\/api\/sessions\/([^/]+)\/answers$/, param: "id", handler: answersRoute.POST as FastRoute["handler"] },
  { method: "GET", path: /^\/api\/stimuli\/([^/]+)$/, param: "token", handler: stimulusRoute.GET as FastRoute["handler"] },
];

/** The route and its param (percent-decoded, as Next decodes it), or null for Next to serve. */
function fastRouteFor(method: string | undefined, url: string): { route: FastRoute; params: Record<string, string> } | null {
  const pathname = url.split("?", 1)[0]!;
  for (const route of FAST_ROUTES) {
    if (route.method !== method) continue;
    const match = route.path.exec(pathname);
    if (!match) continue;
    try {
      return { route, params: { [route.param]: decodeURIComponent(match[1]!) } };
    } catch {
      return null; // malformed percent-encoding: Next answers it as it always has
    }
  }
  return null;
}

/** The one client address the app trusts (the sign-in limiter's key), replacing any sent under its name. */
function stampClientAddress(request: http.IncomingMessage): void {
  const address = clientAddressFor({ socketAddress: request.socket.remoteAddress, forwardedFor: request.headers["x-forwarded-for"], trustProxy });
  const raw: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    if (request.rawHeaders[i]!.toLowerCase() !== CLIENT_ADDRESS_HEADER) raw.push(request.rawHeaders[i]!, request.rawHeaders[i + 1]!);
  }
  request.rawHeaders.splice(0, request.rawHeaders.length, ...raw, CLIENT_ADDRESS_HEADER, address);
  request.headers[CLIENT_ADDRESS_HEADER] = address;
}

const server = http.createServer((request, response) => {
  const fast = fastRouteFor(request.method, request.url ?? "/");
  if (!fast) {
    stampClientAddress(request); // the fast path's handlers do not read it
    void handleWithNext(request, response);
    return;
  }
  void (async () => {
    let reply: Response;
    try {
      reply = await fast.route.handler(await toNextRequest(request, request.url!), { params: Promise.resolve(fast.params) });
    } catch (error) {
      reply = errorResponse(error); // the handlers answer their own errors; this is the adapter's
    }
    await sendResponse(reply, response).catch(() => response.destroy());
  })();
});

server.listen(port, hostname, () => {
  console.log(`[percept] ready on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port} (annotator fast path: ${FAST_ROUTES.length} routes)`);
});

/** On SIGTERM/SIGINT: stop accepting, let requests in flight finish (10 s at most), then exit. */
function shutDown(signal: NodeJS.Signals): void {
  console.log(`[percept] ${signal}: closing`);
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 10_000).unref();
}
process.once("SIGTERM", shutDown);
process.once("SIGINT", shutDown);
