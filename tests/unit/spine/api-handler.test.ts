import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { MAX_JSON_BODY_BYTES, readJson, route } from "@/lib/api/handler";

const schema = z.strictObject({ name: z.string().min(1, "is required"), count: z.number().int().optional() });

const handler = route(async (request: Request) => {
  const body = await readJson(request, schema);
  if (body.name === "taken") throw new ApiError("CONFLICT", "That name is taken.");
  if (body.name === "boom") throw new Error("database exploded: password=hunter2");
  return Response.json({ ok: body.name }, { status: 201 });
});

const post = (body: string) => handler(new Request("http://test/api", { method: "POST", body, headers: { "content-type": "application/json" } }));

async function expectError(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  const payload = (await response.json()) as { error: { code: string; message: string } };
  expect(Object.keys(payload)).toEqual(["error"]);
  expect(payload.error.code).toBe(code);
  return payload.error.message;
}

describe("the API error shape", () => {
  it("passes a valid body through", async () => {
    const response = await post(JSON.stringify({ name: "ok" }));
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ok: "ok" });
  });

  it("answers malformed JSON with 400", async () => {
    expect(await expectError(await post("{name:"), 400, "BAD_REQUEST")).toMatch(/not valid JSON/);
    expect(await expectError(await post(""), 400, "BAD_REQUEST")).toMatch(/empty/);
  });

  it("answers another content type, invalid UTF-8 and an oversized body with 400", async () => {
    const send = (body: BodyInit, headers: Record<string, string>) => handler(new Request("http://test/api", { method: "POST", body, headers }));
    const valid = JSON.stringify({ name: "ok" });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", ""]) {
      expect(await expectError(await send(valid, type ? { "content-type": type } : {}), 400, "BAD_REQUEST")).toMatch(/Content-Type: application\/json/);
    }
    expect((await send(valid, { "content-type": "application/merge-patch+json; charset=utf-8" })).status).toBe(201);
    expect(await expectError(await send(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { "content-type": "application/json" }), 400, "BAD_REQUEST")).toMatch(/UTF-8/);
    const huge = JSON.stringify({ name: "x".repeat(MAX_JSON_BODY_BYTES) });
    expect(await expectError(await post(huge), 400, "BAD_REQUEST")).toMatch(/larger than/);
    // Streamed without a Content-Length, the limit still holds.
    const stream = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode(huge)), c.close()) });
    const streamed = new Request("http://test/api", { method: "POST", body: stream, headers: { "content-type": "application/json" }, duplex: "half" } as RequestInit);
    expect(await expectError(await handler(streamed), 400, "BAD_REQUEST")).toMatch(/larger than/);
  });

  it("names the field that failed, and unknown fields", async () => {
    expect(await expectError(await post(JSON.stringify({ name: "" })), 400, "BAD_REQUEST")).toBe("name: is required");
    expect(await expectError(await post(JSON.stringify({ name: "x", colour: "red" })), 400, "BAD_REQUEST")).toContain('unknown field(s) "colour"');
    expect(await expectError(await post(JSON.stringify({ name: "x", count: 1.5 })), 400, "BAD_REQUEST")).toMatch(/^count: /);
  });

  it("maps service errors to their status", async () => {
    expect(await expectError(await post(JSON.stringify({ name: "taken" })), 409, "CONFLICT")).toBe("That name is taken.");
  });

  it("hides the details of unexpected errors behind a 500", async () => {
    const original = console.error;
    console.error = () => {};
    try {
      const message = await expectError(await post(JSON.stringify({ name: "boom" })), 500, "INTERNAL");
      expect(message).not.toContain("hunter2");
    } finally {
      console.error = original;
    }
  });
});
