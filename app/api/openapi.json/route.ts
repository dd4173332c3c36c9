import { NextResponse } from "next/server";
import { route } from "@/lib/api/handler";
import { openApiDocument } from "@/lib/api/openapi";

/** The OpenAPI 3.1 document of the researcher API (lib/api/openapi.ts); public, like docs/api.md. */
export const GET = route(async () => NextResponse.json(openApiDocument(), { headers: { "Cache-Control": "public, max-age=300" } }));
