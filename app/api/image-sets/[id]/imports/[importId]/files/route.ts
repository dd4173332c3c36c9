import { NextResponse } from "next/server";
import { ApiError } from "@/lib/api/errors";
import { route } from "@/lib/api/handler";
import { requireApiUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";
import { addImportFiles, getImport, type UploadedFile } from "@/lib/storage/image-sets";
import { imageSetIdSchema, importIdSchema } from "@/lib/validations/image-set";

/**
 * POST multipart/form-data with one or more files (images or ZIP archives, any field name) →
 * {results: [{file, status, reason?, width?, height?}]}, one per image (ZIPs: one per entry).
 */
export const POST = route(async (request: Request, context: { params: Promise<{ id: string; importId: string }> }) => {
  const user = await requireApiUser(RESEARCHER_ROLES);
  const params = await context.params;
  const id = imageSetIdSchema.parse(params.id);
  const importId = importIdSchema.parse(params.importId);
  // Access first: a stranger's upload is refused before its body is read.
  await getImport(getDb(), user, id, importId);
  if (!(request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    throw new ApiError("BAD_REQUEST", "Send the files as multipart/form-data.");
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new ApiError("BAD_REQUEST", "The multipart body could not be read.");
  }
  const files: UploadedFile[] = [];
  for (const value of form.values()) {
    if (typeof value === "string") continue;
    files.push({ name: value.name, size: value.size, bytes: async () => new Uint8Array(await value.arrayBuffer()) });
  }
  if (files.length === 0) throw new ApiError("BAD_REQUEST", "files: at least one file is required.");
  return NextResponse.json({ results: await addImportFiles(getDb(), user, id, importId, files) });
});
