import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildOpenApiDocument, OPERATIONS, UNDOCUMENTED } from "@/lib/api/openapi";

const API_DIR = path.resolve(__dirname, "../../../app/api");
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** The HTTP methods a Next.js route file exports, in any of the three ways the codebase writes them. */
function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  const names = HTTP_METHODS.join("|");
  for (const match of source.matchAll(new RegExp(`export\\s+(?:const|let|var)\\s+(${names})\\b`, "g"))) found.add(match[1]!);
  for (const match of source.matchAll(new RegExp(`export\\s+(?:async\\s+)?function\\s+(${names})\\b`, "g"))) found.add(match[1]!);
  for (const match of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of match[1]!.split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop()!.trim();
      if ((HTTP_METHODS as readonly string[]).includes(name)) found.add(name);
    }
  }
  return [...found].sort();
}

type RouteFile = { route: string; file: string; methods: string[] };

/** Every app/api/**\/route.ts as its URL path on disk ("/api/studies/[id]"); route groups "(x)" vanish. */
function routeFiles(dir = API_DIR, segments: string[] = ["api"]): RouteFile[] {
  const found: RouteFile[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...routeFiles(full, /^\(.*\)$/.test(entry.name) ? segments : [...segments, entry.name]));
    } else if (/^route\.(ts|tsx|js)$/.test(entry.name)) {
      found.push({ route: `/${segments.join("/")}`, file: full, methods: exportedMethods(readFileSync(full, "utf8")) });
    }
  }
  return found;
}

/** "/api/studies/{id}" → "/api/studies/[id]" */
const onDisk = (openApiPath: string) => openApiPath.replace(/\{([^}]+)\}/g, "[$1]");

const routes = routeFiles();
const documented = new Map<string, Set<string>>();
for (const operation of OPERATIONS) {
  const key = onDisk(operation.path);
  if (!documented.has(key)) documented.set(key, new Set());
  documented.get(key)!.add(operation.method.toUpperCase());
}
const undocumented = new Map(UNDOCUMENTED.map((entry) => [entry.route, entry.reason]));
const document = buildOpenApiDocument();

describe("the route walker", () => {
  it("reads the three ways a route file exports its methods", () => {
    expect(exportedMethods("export const GET = route(async () => x);\nexport const POST = route(y);")).toEqual(["GET", "POST"]);
    expect(exportedMethods("export async function GET() {}\nexport function DELETE() {}")).toEqual(["DELETE", "GET"]);
    expect(exportedMethods("export { handler as GET, handler as POST };\nexport { dynamic }")).toEqual(["GET", "POST"]);
    expect(exportedMethods("export const GETTER = 1; const POST = 2; export type PUT = string;")).toEqual([]);
  });

  it("finds the route files, with methods in each", () => {
    const byRoute = new Map(routes.map((route) => [route.route, route.methods]));
    expect(byRoute.get("/api/studies")).toEqual(["GET", "POST"]);
    expect(byRoute.get("/api/studies/[id]")).toEqual(["GET", "PATCH"]);
    expect(byRoute.get("/api/auth/[...nextauth]")).toEqual(["GET", "POST"]);
    expect(byRoute.get("/api/health")).toEqual(["GET"]);
    for (const route of routes) expect(route.methods.length, `${route.file} exports no HTTP method`).toBeGreaterThan(0);
  });
});

describe("the OpenAPI document covers app/api", () => {
  it("every method of every route file is documented, unless the route is undocumented by design", () => {
    const missing: string[] = [];
    for (const route of routes) {
      if (undocumented.has(route.route)) continue;
      for (const method of route.methods) {
        if (!documented.get(route.route)?.has(method)) missing.push(`${method} ${route.route}`);
      }
    }
    expect(missing, "route methods missing from lib/api/openapi.ts OPERATIONS (document them, or list the route in UNDOCUMENTED with a reason)").toEqual([]);
  });

  it("every documented operation exists as a route file exporting that method", () => {
    const byRoute = new Map(routes.map((route) => [route.route, new Set(route.methods)]));
    const phantom: string[] = [];
    for (const [route, methods] of documented) {
      for (const method of methods) if (!byRoute.get(route)?.has(method)) phantom.push(`${method} ${route}`);
    }
    expect(phantom, "operations in lib/api/openapi.ts without a route").toEqual([]);
  });

  it("every undocumented-by-design route exists, has a reason, and is not documented as well", () => {
    const existing = new Set(routes.map((route) => route.route));
    for (const [route, reason] of undocumented) {
      expect(existing.has(route), `${route} is listed in UNDOCUMENTED but has no route file`).toBe(true);
      expect(reason.length).toBeGreaterThan(20);
      expect(documented.has(route)).toBe(false);
    }
    expect([...undocumented.keys()].sort()).toEqual(
      routes
        .map((route) => route.route)
        .filter((route) => route.startsWith("/api/sessions") || route.startsWith("/api/stimuli") || route.startsWith("/api/auth/"))
        .sort(),
    );
  });
});

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 and survives JSON", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it("has unique operation ids and one operation per method and path", () => {
    const ids = OPERATIONS.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const count = Object.values(document.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);
    expect(count).toBe(OPERATIONS.length);
  });

  it("every $ref resolves inside the document", () => {
    const refs: string[] = [];
    const walk = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object") {
        for (const [key, inner] of Object.entries(value)) {
          if (key === "$ref") refs.push(inner as string);
          else walk(inner);
        }
      }
    };
    walk(document);
    expect(refs.length).toBeGreaterThan(OPERATIONS.length);
    for (const ref of refs) {
      expect(ref.startsWith("#/components/"), ref).toBe(true);
      const target = ref
        .slice(2)
        .split("/")
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
      expect(target, ref).toBeDefined();
    }
  });

  it("every path parameter is declared, and nothing else is", () => {
    for (const [route, item] of Object.entries(document.paths)) {
      const names = [...route.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
      for (const operation of Object.values(item) as { parameters?: { name: string; in: string; required: boolean }[] }[]) {
        const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === "path");
        expect(declared.map((parameter) => parameter.name).sort()).toEqual(names);
        for (const parameter of declared) expect(parameter.required).toBe(true);
      }
    }
  });

  it("request bodies are the zod schemas the routes validate with", () => {
    const withBody = OPERATIONS.filter((operation) => operation.body);
    expect(withBody.length).toBeGreaterThanOrEqual(9);
    for (const operation of withBody) {
      const { schema, schemaName, component } = operation.body!;
      const { $schema: _dialect, ...expected } = z.toJSONSchema(schema, { io: "input" }) as Record<string, unknown>;
      void _dialect;
      expect(document.components.schemas[component]).toEqual(expected);
      const source = readFileSync(path.join(API_DIR, "..", onDisk(operation.path), "route.ts"), "utf8");
      expect(source, `${operation.path} should read its body with ${schemaName}`).toMatch(new RegExp(`readJson\\(request,\\s*${schemaName}\\)`));
    }
    expect(document.components.schemas.CreateStudy).toMatchObject({ type: "object", required: ["name"], additionalProperties: false });
  });

  it("JSON parts of multipart bodies are the zod schemas the routes parse them with", () => {
    const parts = OPERATIONS.flatMap((operation) =>
      Object.values(operation.multipart?.parts ?? {}).flatMap((part) => (part.kind === "json" ? [{ operation, part }] : [])),
    );
    expect(parts.length).toBeGreaterThan(0);
    for (const { operation, part } of parts) {
      const { $schema: _dialect, ...expected } = z.toJSONSchema(part.schema, { io: "input" }) as Record<string, unknown>;
      void _dialect;
      expect(document.components.schemas[part.component]).toEqual(expected);
      const source = readFileSync(path.join(API_DIR, "..", onDisk(operation.path), "route.ts"), "utf8");
      expect(source, `${operation.path} should parse its part with ${part.schemaName}`).toContain(`${part.schemaName}.parse(`);
    }
  });

  it("researcher operations accept a Bearer token; token management is session-only; sign-up and health are public", () => {
    const operation = (method: string, route: string) => (document.paths as Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>)[route]![method]!;
    expect(operation("post", "/api/studies").security).toEqual([{ bearerAuth: [] }, { sessionCookie: [] }]);
    expect(operation("get", "/api/studies/{id}/scores").security).toContainEqual({ bearerAuth: [] });
    for (const method of ["get", "post"]) expect(operation(method, "/api/tokens").security).toEqual([{ sessionCookie: [] }]);
    expect(operation("delete", "/api/tokens/{id}").security).toEqual([{ sessionCookie: [] }]);
    expect(operation("post", "/api/accounts").security).toEqual([]);
    expect(operation("get", "/api/health").security).toEqual([]);
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("errors use the one shared shape, with 401 and 403 wherever a caller must be signed in", () => {
    expect(document.components.schemas.Error).toMatchObject({
      type: "object",
      required: ["error"],
      properties: { error: { required: ["code", "message"] } },
    });
    for (const operation of OPERATIONS) {
      const responses = (document.paths as Record<string, Record<string, { responses: Record<string, { $ref?: string }> }>>)[operation.path]![operation.method]!.responses;
      const errorStatuses = Object.keys(responses).filter((status) => Number(status) >= 400);
      for (const status of errorStatuses) expect(responses[status]!.$ref).toMatch(/^#\/components\/responses\//);
      if (operation.access !== "public") expect(errorStatuses).toEqual(expect.arrayContaining(["401", "403"]));
      if (operation.params) expect(errorStatuses).toContain("404");
      if (operation.body) expect(errorStatuses).toContain("400");
    }
  });

  it("query parameters come from the routes' schemas", () => {
    const scores = (document.paths as Record<string, Record<string, { parameters: { name: string; in: string; required: boolean }[] }>>)["/api/studies/{id}/scores"]!.get!;
    expect(scores.parameters.filter((parameter) => parameter.in === "query").map((parameter) => [parameter.name, parameter.required])).toEqual([
      ["seed", false],
      ["resamples", false],
      ["confidence", false],
    ]);
  });
});
