import { NextResponse } from "next/server";
import { readJson, route } from "@/lib/api/handler";
import { signUp } from "@/lib/auth/signup";
import { getDb } from "@/lib/db";
import { signUpSchema } from "@/lib/validations/auth";

/** Sign-up. The client signs in with the same credentials afterwards. */
export const POST = route(async (request: Request) => {
  const input = await readJson(request, signUpSchema);
  const account = await signUp(getDb(), input);
  return NextResponse.json({ account }, { status: 201 });
});
