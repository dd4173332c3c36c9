import { NextResponse } from "next/server";
import { databaseUnavailable } from "@/lib/api/errors";
import { errorResponse } from "@/lib/api/handler";
import { getDb } from "@/lib/db";

/** Liveness and database reachability, for load balancers and the test harness. */
export async function GET() {
  try {
    await getDb().$queryRaw`SELECT 1`;
    return NextResponse.json({ status: "ok" });
  } catch {
    return errorResponse(databaseUnavailable());
  }
}
