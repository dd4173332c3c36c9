import { z } from "zod";
import type { ApiErrorCode } from "@/lib/api/errors";
import { createMetricRunSchema, metricImagesQuerySchema, pooledCrossReferenceQuerySchema } from "@/lib/metrics/service-schema";
import { scoresQuerySchema } from "@/lib/studies/results";
import { createInvitationSchema, updateSettingsSchema } from "@/lib/validations/admin";
import { apiTokenIdSchema, createApiTokenSchema } from "@/lib/validations/api-token";
import { signUpSchema } from "@/lib/validations/auth";
import { createImageSetSchema, imageIdSchema, imagePageSchema, imageSetIdSchema, importIdSchema, startImportSchema } from "@/lib/validations/image-set";
import { recordIdSchema } from "@/lib/validations/ids";
import { armsSchema, createStudySchema, statusActionSchema, studyIdSchema, updateStudySchema } from "@/lib/validations/study";

/**
 * The OpenAPI 3.1 document of the researcher-facing API, served at GET /api/openapi.json.
 *
 * OPERATIONS is the one table of documented operations. Request bodies, path and query parameters
 * are the very zod schemas the route handlers validate with, converted by z.toJSONSchema, so the
 * document cannot drift from the validation. tests/unit/api/openapi.test.ts walks app/api and fails
 * when a route file's method is missing here, or this table names a route that does not exist.
 * UNDOCUMENTED lists the route files left out on purpose, each with its reason.
 */

type Method = "get" | "post" | "put" | "patch" | "delete";
type Tag = "studies" | "results" | "metrics" | "image-sets" | "tokens" | "accounts" | "admin" | "meta";

/**
 * Who may call: `researcher` = researchers and admins, by session or API token; `session` = the
 * same roles but by session only (token management); `admin` = admins, session or token;
 * `public` = anyone.
 */
type Access = "public" | "researcher" | "session" | "admin";

type Content = "json" | "csv" | "webp" | "image" | "binary" | "none";

/** One part of a multipart body: a file, or a JSON text field validated by a zod schema (by its export name). */
type MultipartPart =
  | { kind: "file"; description: string; required: boolean }
  | { kind: "json"; description: string; required: boolean; schema: z.ZodType; schemaName: string; component: string };

export type Operation = {
  method: Method;
  /** OpenAPI path template: /api/studies/{id}. The file is app/api/studies/[id]/route.ts. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  access: Access;
  /** Path parameters by name (every {name} of the path must be here). */
  params?: Record<string, z.ZodType>;
  /** Query parameters: an object schema whose fields are the parameters. */
  query?: z.ZodObject;
  /** A JSON body: the schema (and its export name, which the route file must use) → components/schemas/<component>. */
  body?: { schema: z.ZodType; schemaName: string; component: string };
  /** A multipart body: named parts, or (without parts) files under any field name. */
  multipart?: { description: string; parts?: Record<string, MultipartPart> };
  success: { status: 200 | 201 | 204; description: string; content: Content; schema?: z.ZodType; keys?: readonly string[] };
  /** Error statuses beyond the ones implied by access, params and body (409, 422, 503 …). */
  errors?: readonly ErrorStatus[];
};

/** Route files under app/api that are not in the document, on purpose. Paths as on disk. */
export const UNDOCUMENTED: readonly { route: string; reason: string }[] = [
  { route: "/api/auth/[...nextauth]", reason: "next-auth's own endpoints (sign-in form posts, CSRF, session cookie); used by the web pages, not an API for scripts." },
  { route: "/api/sessions", reason: "Annotator API: starts a participant's session; authenticated by the participant cookie from the study link, not by researchers." },
  { route: "/api/sessions/[id]/device", reason: "Annotator API: the participant's device report (participant cookie)." },
  { route: "/api/sessions/[id]/next", reason: "Annotator API: issues the next trial (participant cookie)." },
  { route: "/api/sessions/[id]/answers", reason: "Annotator API: records an answer (participant cookie)." },
  { route: "/api/stimuli/[token]", reason: "Annotator API: stimulus images by opaque per-session token; documenting it would help nobody and leak nothing new." },
];

// ---- shared pieces -----------------------------------------------------------------------------

/** Every ApiErrorCode, checked against the union in lib/api/errors.ts at compile time. */
const ERROR_CODES = ["BAD_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "UNPROCESSABLE", "RATE_LIMITED", "INSUFFICIENT_STORAGE", "INTERNAL", "UNAVAILABLE"] as const satisfies readonly ApiErrorCode[];
type MissingCode = Exclude<ApiErrorCode, (typeof ERROR_CODES)[number]>;
const everyCodeListed: [MissingCode] extends [never] ? true : MissingCode = true;
void everyCodeListed;

export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES).describe("Stable, machine-readable."),
    message: z.string().describe("For people: names the field for a 400 (`name: is required`)."),
  }),
});

const ERROR_RESPONSES = {
  400: { name: "BadRequest", description: "BAD_REQUEST: malformed JSON, an unknown field, or a value out of range; the message names the field." },
  401: { name: "Unauthenticated", description: "UNAUTHENTICATED: no session and no Bearer token, or the token is unknown, revoked or malformed." },
  403: { name: "Forbidden", description: "FORBIDDEN: signed in, but the role (or credential) does not allow this." },
  404: { name: "NotFound", description: "NOT_FOUND: no such resource, or it belongs to someone else (existence is not revealed)." },
  409: { name: "Conflict", description: "CONFLICT: the resource's state does not allow this now (e.g. the design of a live study)." },
  422: { name: "Unprocessable", description: "UNPROCESSABLE: well-formed, but not acceptable (e.g. launch checks fail, wrong kind of image set)." },
  429: { name: "RateLimited", description: "RATE_LIMITED: too many attempts; wait and try again." },
  500: { name: "Internal", description: "INTERNAL: an unexpected failure; it has been logged." },
  503: { name: "Unavailable", description: "UNAVAILABLE: the database is unreachable for a moment; retry after the Retry-After header's seconds." },
  507: { name: "InsufficientStorage", description: "INSUFFICIENT_STORAGE: the server's disk is full; the message says what was kept and what was discarded." },
} as const;
type ErrorStatus = keyof typeof ERROR_RESPONSES;

const id = (what: string) => ({ id: studyIdSchema.describe(`The ${what}'s id.`) });
const studyParams = id("study");
const setParams = { id: imageSetIdSchema.describe("The image set's id.") };
const importParams = { ...setParams, importId: importIdSchema.describe("The import's id (from POST …/imports).") };

const isoDate = z.iso.datetime();
export const apiTokenViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  createdAt: isoDate,
  lastUsedAt: isoDate.nullable().describe("Updated at most once a minute."),
  revokedAt: isoDate.nullable(),
});

// ---- the table ---------------------------------------------------------------------------------

export const OPERATIONS: readonly Operation[] = [
  // studies
  {
    method: "get", path: "/api/studies", operationId: "listStudies", tag: "studies", access: "researcher",
    summary: "List your studies (an admin: every study)",
    success: { status: 200, description: "The studies, newest first.", content: "json", keys: ["studies"] },
  },
  {
    method: "post", path: "/api/studies", operationId: "createStudy", tag: "studies", access: "researcher",
    summary: "Create a draft study with HYPE defaults",
    body: { schema: createStudySchema, schemaName: "createStudySchema", component: "CreateStudy" },
    success: { status: 201, description: "The new study (with its id and annotator link code).", content: "json", keys: ["study"] },
  },
  {
    method: "get", path: "/api/studies/{id}", operationId: "getStudy", tag: "studies", access: "researcher", params: studyParams,
    summary: "Read one study with its design, arms and texts",
    success: { status: 200, description: "The study.", content: "json", keys: ["study"] },
  },
  {
    method: "patch", path: "/api/studies/{id}", operationId: "updateStudy", tag: "studies", access: "researcher", params: studyParams,
    summary: "Change a study; design fields are locked once it is live (texts and analysis settings stay editable)",
    description:
      "`analysis` holds the exclusion rules (`exclusions`: failedQualification, maxFlaggedTimedPercent, minMedianResponseMs, fastAnswers {belowMs, maxPercent}; null turns a rule off) and the live monitoring (`live`: targetCiWidthMs, targetCiWidthPercent, stopWhenNarrower, minEvaluatorsToStop). It changes the analysis only, so it stays editable while the study is live or paused (docs/results.md). A `config` without `analysis` keeps the stored analysis settings.",
    body: { schema: updateStudySchema, schemaName: "updateStudySchema", component: "UpdateStudy" },
    success: { status: 200, description: "The study after the change.", content: "json", keys: ["study"] },
    errors: [409, 422],
  },
  {
    method: "put", path: "/api/studies/{id}/arms", operationId: "setStudyArms", tag: "studies", access: "researcher", params: studyParams,
    summary: "Replace the arms (models under test) of a draft study",
    body: { schema: armsSchema, schemaName: "armsSchema", component: "StudyArms" },
    success: { status: 200, description: "The arms as stored.", content: "json", keys: ["arms"] },
    errors: [409, 422],
  },
  {
    method: "post", path: "/api/studies/{id}/status", operationId: "changeStudyStatus", tag: "studies", access: "researcher", params: studyParams,
    summary: "Launch, pause, resume or close a study",
    description: "Launching runs the launch checks (arms, image pools, sizes); a failed check is a 422 naming each problem.",
    body: { schema: statusActionSchema, schemaName: "statusActionSchema", component: "StudyStatusAction" },
    success: { status: 200, description: "`{ study: { id, status, launchedAt, closedAt } }`.", content: "json", keys: ["study"] },
    errors: [409, 422],
  },
  {
    method: "get", path: "/api/studies/{id}/progress", operationId: "getStudyProgress", tag: "studies", access: "researcher", params: studyParams,
    summary: "Live progress counts (sessions, evaluators per arm) and live score estimates",
    description:
      "`progress.live` has, per arm and protocol, the current score with its CI from 1,000 bootstrap resamples (with the study's exclusion rules), the CI width against its target, and whether the arm stopped taking evaluators. Recomputed only when the number of answered trials or the analysis settings change.",
    success: { status: 200, description: "The progress; never cached.", content: "json", keys: ["progress"] },
  },
  // results
  {
    method: "get", path: "/api/studies/{id}/scores", operationId: "getStudyScores", tag: "results", access: "researcher", params: studyParams,
    query: scoresQuerySchema,
    summary: "HYPE scores with bootstrap confidence intervals",
    description: "The same `{counts, scores}` that `npm run score` prints for the trial download with the study's exclusion-rule flags. Defaults: the study's seed, 10,000 resamples, 95%; always the study's exclusion rules.",
    success: { status: 200, description: "`{ counts, scores }`.", content: "json", keys: ["counts", "scores"] },
  },
  {
    method: "get", path: "/api/studies/{id}/export/trials.csv", operationId: "exportTrialsCsv", tag: "results", access: "researcher", params: studyParams,
    summary: "Every answered trial as CSV (docs/data-format.md), streamed",
    success: { status: 200, description: "RFC 4180 CSV, one row per answered trial.", content: "csv" },
  },
  {
    method: "get", path: "/api/studies/{id}/export/trials.json", operationId: "exportTrialsJson", tag: "results", access: "researcher", params: studyParams,
    summary: "Every answered trial as JSON (docs/data-format.md), streamed",
    success: { status: 200, description: "`{ \"trials\": [ row, … ] }`, one row per answered trial.", content: "json", keys: ["trials"] },
  },
  {
    method: "get", path: "/api/studies/{id}/export/evaluators.csv", operationId: "exportEvaluatorsCsv", tag: "results", access: "researcher", params: studyParams,
    summary: "Per-evaluator tallies and flags as CSV",
    success: { status: 200, description: "CSV, one row per evaluator.", content: "csv" },
  },
  {
    method: "get", path: "/api/studies/{id}/export/manifest.json", operationId: "exportManifest", tag: "results", access: "researcher", params: studyParams,
    summary: "Reproducibility manifest (config, seed, scoring method, image hashes, counts)",
    success: { status: 200, description: "The manifest, as a download.", content: "json", keys: ["manifestVersion", "exportedAt", "app", "study"] },
  },
  // automatic metrics (computed in the browser, stored and cross-referenced here)
  {
    method: "get", path: "/api/studies/{id}/metrics", operationId: "listMetricRuns", tag: "metrics", access: "researcher", params: studyParams,
    summary: "The study's automatic-metric runs (FID, IS, KID, precision/recall), newest first",
    success: { status: 200, description: "`{ runs }`.", content: "json", keys: ["runs"] },
  },
  {
    method: "post", path: "/api/studies/{id}/metrics", operationId: "createMetricRun", tag: "metrics", access: "researcher", params: studyParams,
    summary: "Store a finished metric run computed in the browser",
    multipart: {
      description: "`meta` (JSON) and `statistics` (the set's encoded feature moments; absent for a failed run).",
      parts: {
        meta: { kind: "json", required: true, description: "The run: model hash, set, arm, settings, results or error.", schema: createMetricRunSchema, schemaName: "createMetricRunSchema", component: "CreateMetricRun" },
        statistics: { kind: "file", required: false, description: "lib/metrics encodeMoments bytes." },
      },
    },
    success: { status: 201, description: "`{ run }`.", content: "json", keys: ["run"] },
  },
  {
    method: "get", path: "/api/studies/{id}/metrics/images", operationId: "listMetricImages", tag: "metrics", access: "researcher", params: studyParams,
    query: metricImagesQuerySchema,
    summary: "Up to `max` images of one of the study's sets, with a digest of the list",
    success: { status: 200, description: "`{ imageSetId, total, images: [{ id, url }], digest }`.", content: "json", keys: ["imageSetId", "total", "images", "digest"] },
  },
  {
    method: "get", path: "/api/studies/{id}/metrics/images/{imageId}", operationId: "getMetricImage", tag: "metrics", access: "researcher",
    params: { ...studyParams, imageId: imageIdSchema.describe("The image's id.") },
    summary: "The stored bytes of an image of one of the study's sets (for feature extraction)",
    success: { status: 200, description: "The image (its stored format).", content: "image" },
  },
  {
    method: "get", path: "/api/studies/{id}/metrics/runs/{runId}/statistics", operationId: "getMetricRunStatistics", tag: "metrics", access: "researcher",
    params: { ...studyParams, runId: recordIdSchema.describe("The metric run's id.") },
    summary: "A run's feature moments (lib/metrics decodeMoments reads them)",
    success: { status: 200, description: "Encoded moments, as a download.", content: "binary" },
  },
  {
    method: "get", path: "/api/studies/{id}/metrics/cross-reference", operationId: "getMetricsCrossReference", tag: "metrics", access: "researcher", params: studyParams,
    summary: "Human scores against automatic metrics per arm, with Spearman ρ and p for each pair",
    success: { status: 200, description: "`{ modelHash, settings, rows, correlations }`.", content: "json", keys: ["modelHash", "settings", "rows", "correlations"] },
  },
  {
    method: "get", path: "/api/image-sets/{id}/cross-reference", operationId: "getPooledCrossReference", tag: "metrics", access: "researcher", params: setParams,
    query: pooledCrossReferenceQuerySchema,
    summary: "Human scores against automatic metrics over every arm of your studies that use this real set (one feature model and resize), with Spearman ρ and p",
    description: "Only your own studies are pooled. `model`/`resize` pick the features (default: the latest arm run's); `configs` lists the others with how many arms each covers.",
    success: { status: 200, description: "`{ imageSet, studies, config, configs, rows, correlations }`.", content: "json", keys: ["imageSet", "studies", "config", "configs", "rows", "correlations"] },
  },
  // image sets
  {
    method: "get", path: "/api/image-sets", operationId: "listImageSets", tag: "image-sets", access: "researcher",
    summary: "List your image sets (an admin: every set)",
    success: { status: 200, description: "The image sets.", content: "json", keys: ["imageSets"] },
  },
  {
    method: "post", path: "/api/image-sets", operationId: "createImageSet", tag: "image-sets", access: "researcher",
    summary: "Create an empty image set of real or generated images",
    body: { schema: createImageSetSchema, schemaName: "createImageSetSchema", component: "CreateImageSet" },
    success: { status: 201, description: "The new set.", content: "json", keys: ["imageSet"] },
  },
  {
    method: "get", path: "/api/image-sets/{id}", operationId: "getImageSet", tag: "image-sets", access: "researcher", params: setParams,
    query: z.object({ page: imagePageSchema.describe("1-based page of images; out-of-range values read page 1.") }),
    summary: "One set: counts, image sizes and one page of its images (with thumbnail URLs)",
    success: { status: 200, description: "`{ set, sizes, images, page, pageSize, pageCount }`.", content: "json", keys: ["set", "sizes", "images", "page", "pageSize", "pageCount"] },
  },
  {
    method: "get", path: "/api/image-sets/{id}/images/{imageId}/thumbnail", operationId: "getImageThumbnail", tag: "image-sets", access: "researcher",
    params: { ...setParams, imageId: imageIdSchema.describe("The image's id.") },
    summary: "A WebP preview of one image",
    success: { status: 200, description: "The thumbnail.", content: "webp" },
  },
  {
    method: "post", path: "/api/image-sets/{id}/imports", operationId: "startImport", tag: "image-sets", access: "researcher", params: setParams,
    summary: "Start a staged import into a set",
    description: "Then upload files to …/files (as many requests as needed), and commit (all or nothing) or abandon it.",
    body: { schema: startImportSchema, schemaName: "startImportSchema", component: "StartImport" },
    success: { status: 201, description: "`{ importId, targetSize }`.", content: "json", keys: ["importId", "targetSize"] },
    errors: [507],
  },
  {
    method: "get", path: "/api/image-sets/{id}/imports/{importId}", operationId: "getImport", tag: "image-sets", access: "researcher", params: importParams,
    summary: "What a staged import holds so far (accepted count, rejections with reasons)",
    success: { status: 200, description: "`{ importId, targetSize, accepted, rejected }`.", content: "json", keys: ["importId", "targetSize", "accepted", "rejected"] },
  },
  {
    method: "delete", path: "/api/image-sets/{id}/imports/{importId}", operationId: "abandonImport", tag: "image-sets", access: "researcher", params: importParams,
    summary: "Abandon a staged import; none of its files reaches the set",
    success: { status: 204, description: "Abandoned.", content: "none" },
    errors: [409],
  },
  {
    method: "post", path: "/api/image-sets/{id}/imports/{importId}/files", operationId: "uploadImportFiles", tag: "image-sets", access: "researcher", params: importParams,
    summary: "Upload images or ZIP archives into a staged import",
    multipart: { description: "One or more files (images or ZIP archives), under any field name." },
    success: { status: 200, description: "`{ results: [{ file, status, reason?, width?, height? }] }`, one per image (ZIPs: one per entry).", content: "json", keys: ["results"] },
    errors: [409, 507],
  },
  {
    method: "post", path: "/api/image-sets/{id}/imports/{importId}/commit", operationId: "commitImport", tag: "image-sets", access: "researcher", params: importParams,
    summary: "Commit a staged import: every accepted image enters the set in one transaction, or none",
    success: { status: 200, description: "`{ imported, rejected }` counts.", content: "json", keys: ["imported", "rejected"] },
    errors: [409, 422, 507],
  },
  // tokens
  {
    method: "get", path: "/api/tokens", operationId: "listApiTokens", tag: "tokens", access: "session",
    summary: "List your API tokens (newest first, revoked ones included; never a secret)",
    success: { status: 200, description: "`{ tokens }`.", content: "json", schema: z.strictObject({ tokens: z.array(apiTokenViewSchema) }) },
  },
  {
    method: "post", path: "/api/tokens", operationId: "createApiToken", tag: "tokens", access: "session",
    summary: "Create an API token; its secret is in this answer only",
    description: "At most 20 active tokens per account (409 beyond). Only the secret's sha256 is stored.",
    body: { schema: createApiTokenSchema, schemaName: "createApiTokenSchema", component: "CreateApiToken" },
    success: {
      status: 201, description: "The token and its secret (`pct_…`), shown once.", content: "json",
      schema: z.strictObject({ token: apiTokenViewSchema, secret: z.string().regex(/^pct_[A-Za-z0-9_-]{43}$/) }),
    },
    errors: [409],
  },
  {
    method: "delete", path: "/api/tokens/{id}", operationId: "revokeApiToken", tag: "tokens", access: "session",
    params: { id: apiTokenIdSchema.describe("The token's id.") },
    summary: "Revoke one of your API tokens (idempotent)",
    success: { status: 200, description: "The token, with revokedAt.", content: "json", schema: z.strictObject({ token: apiTokenViewSchema }) },
  },
  // accounts and admin
  {
    method: "post", path: "/api/accounts", operationId: "signUp", tag: "accounts", access: "public",
    summary: "Sign up (with an invitation, or while sign-up is open); the first account becomes the admin",
    body: { schema: signUpSchema, schemaName: "signUpSchema", component: "SignUp" },
    success: { status: 201, description: "The account (`{ account: { id, email, name, role } }`); sign in afterwards.", content: "json", keys: ["account"] },
    errors: [403, 409],
  },
  {
    method: "get", path: "/api/admin/invitations", operationId: "listInvitations", tag: "admin", access: "admin",
    summary: "List invitations (newest 100)",
    success: { status: 200, description: "`{ invitations }`.", content: "json", keys: ["invitations"] },
  },
  {
    method: "post", path: "/api/admin/invitations", operationId: "createInvitation", tag: "admin", access: "admin",
    summary: "Invite someone with a role; the sign-up link is in this answer only",
    body: { schema: createInvitationSchema, schemaName: "createInvitationSchema", component: "CreateInvitation" },
    success: { status: 201, description: "`{ invitation: { id, expiresAt, link } }`.", content: "json", keys: ["invitation"] },
  },
  {
    method: "get", path: "/api/admin/settings", operationId: "getSettings", tag: "admin", access: "admin",
    summary: "Read the instance settings (open sign-up)",
    success: { status: 200, description: "`{ settings: { openSignup } }`.", content: "json", keys: ["settings"] },
  },
  {
    method: "patch", path: "/api/admin/settings", operationId: "updateSettings", tag: "admin", access: "admin",
    summary: "Open or close sign-up",
    body: { schema: updateSettingsSchema, schemaName: "updateSettingsSchema", component: "UpdateSettings" },
    success: { status: 200, description: "`{ settings }` as stored.", content: "json", keys: ["settings"] },
  },
  // meta
  {
    method: "get", path: "/api/health", operationId: "health", tag: "meta", access: "public",
    summary: "Liveness and database reachability",
    success: { status: 200, description: "`{ status: \"ok\" }`.", content: "json", schema: z.strictObject({ status: z.literal("ok") }) },
    errors: [503],
  },
  {
    method: "get", path: "/api/openapi.json", operationId: "openapi", tag: "meta", access: "public",
    summary: "This document (OpenAPI 3.1)",
    success: { status: 200, description: "The OpenAPI document.", content: "json" },
  },
];

// ---- building the document ---------------------------------------------------------------------

type JsonSchema = Record<string, unknown>;

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) for what a client sends or receives. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output" = "input"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  void _dialect;
  return rest;
}

function objectWithKeys(keys: readonly string[]): JsonSchema {
  return { type: "object", required: [...keys], properties: Object.fromEntries(keys.map((key) => [key, {}])) };
}

const ACCESS: Record<Access, { security: Record<string, string[]>[]; note: string; errors: ErrorStatus[] }> = {
  public: { security: [], note: "No authentication.", errors: [] },
  researcher: { security: [{ bearerAuth: [] }, { sessionCookie: [] }], note: "Researchers and admins; API token or session.", errors: [401, 403] },
  session: { security: [{ sessionCookie: [] }], note: "Researchers and admins, signed in (session only): a Bearer token is refused with 403.", errors: [401, 403] },
  admin: { security: [{ bearerAuth: [] }, { sessionCookie: [] }], note: "Admins only; API token or session.", errors: [401, 403] },
};

const MEDIA: Record<Exclude<Content, "none">, string> = {
  json: "application/json",
  csv: "text/csv",
  webp: "image/webp",
  image: "image/*",
  binary: "application/octet-stream",
};
const FILE_SCHEMA = { type: "string", contentMediaType: "application/octet-stream" };

function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
}

function operationObject(operation: Operation, components: { schemas: Record<string, JsonSchema> }) {
  const access = ACCESS[operation.access];
  const parameters: JsonSchema[] = [];
  for (const name of pathParamNames(operation.path)) {
    const schema = operation.params?.[name];
    if (!schema) throw new Error(`${operation.operationId}: path parameter {${name}} has no schema`);
    const { description, ...rest } = jsonSchemaOf(schema);
    parameters.push({ name, in: "path", required: true, schema: rest, ...(description ? { description } : {}) });
  }
  if (operation.query) {
    const query = jsonSchemaOf(operation.query);
    const required = new Set((query.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries((query.properties as Record<string, JsonSchema> | undefined) ?? {})) {
      const { description, ...rest } = property;
      parameters.push({ name, in: "query", required: required.has(name), schema: rest, ...(description ? { description } : {}) });
    }
  }

  const errors = new Set<ErrorStatus>(access.errors);
  if (operation.body || operation.multipart || operation.query || operation.params) errors.add(400);
  if (operation.params) errors.add(404);
  for (const status of operation.errors ?? []) errors.add(status);
  if (operation.access !== "public") errors.add(500);

  let requestBody: JsonSchema | undefined;
  if (operation.body) {
    components.schemas[operation.body.component] = jsonSchemaOf(operation.body.schema);
    requestBody = { required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${operation.body.component}` } } } };
  } else if (operation.multipart) {
    const { description, parts } = operation.multipart;
    let schema: JsonSchema = { type: "object", additionalProperties: FILE_SCHEMA };
    const encoding: Record<string, { contentType: string }> = {};
    if (parts) {
      const properties: Record<string, JsonSchema> = {};
      for (const [name, part] of Object.entries(parts)) {
        if (part.kind === "json") {
          components.schemas[part.component] = jsonSchemaOf(part.schema);
          properties[name] = { description: part.description, $ref: `#/components/schemas/${part.component}` };
          encoding[name] = { contentType: "application/json" };
        } else {
          properties[name] = { description: part.description, ...FILE_SCHEMA };
        }
      }
      const required = Object.entries(parts).filter(([, part]) => part.required).map(([name]) => name);
      schema = { type: "object", properties, required, additionalProperties: false };
    }
    requestBody = {
      required: true,
      description,
      content: { "multipart/form-data": { schema, ...(Object.keys(encoding).length ? { encoding } : {}) } },
    };
  }

  const { success } = operation;
  const successSchema = success.schema ? jsonSchemaOf(success.schema, "output") : success.keys ? objectWithKeys(success.keys) : success.content === "json" ? { type: "object" } : { type: "string" };
  const responses: Record<string, unknown> = {
    [success.status]: {
      description: success.description,
      ...(success.content === "none" ? {} : { content: { [MEDIA[success.content]]: { schema: successSchema } } }),
    },
  };
  for (const status of [...errors].sort()) responses[status] = { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` };

  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    description: [operation.description, access.note].filter(Boolean).join("\n\n"),
    security: access.security,
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

export function buildOpenApiDocument() {
  const components = {
    schemas: { Error: jsonSchemaOf(errorBodySchema, "output"), ApiToken: jsonSchemaOf(apiTokenViewSchema, "output") } as Record<string, JsonSchema>,
    responses: Object.fromEntries(
      Object.values(ERROR_RESPONSES).map(({ name, description }) => [
        name,
        { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
      ]),
    ),
    securitySchemes: {
      bearerAuth: {
        type: "http",
        scheme: "bearer",
        bearerFormat: "pct_…",
        description: "A personal API token (create one on /settings): `Authorization: Bearer pct_…`. Unknown or revoked tokens get 401.",
      },
      sessionCookie: {
        type: "apiKey",
        in: "cookie",
        name: "next-auth.session-token",
        description: "The browser session after signing in (`__Secure-next-auth.session-token` over HTTPS).",
      },
    },
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of OPERATIONS) {
    paths[operation.path] ??= {};
    if (paths[operation.path]![operation.method]) throw new Error(`${operation.method.toUpperCase()} ${operation.path} is listed twice`);
    paths[operation.path]![operation.method] = operationObject(operation, components);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Percept API",
      version: "1",
      description:
        "The researcher API of Percept (HYPE human evaluation of generative models). JSON in and out; every error is " +
        '`{ "error": { "code", "message" } }` with the matching status. Authenticate with a personal API token ' +
        "(`Authorization: Bearer pct_…`) or the browser session. See docs/api.md.",
    },
    tags: [
      { name: "studies", description: "Study design and lifecycle." },
      { name: "results", description: "Scores and exports." },
      { name: "metrics", description: "Automatic metrics computed in the browser, stored per study, and compared with the human scores." },
      { name: "image-sets", description: "Real and generated image sets, and staged imports into them." },
      { name: "tokens", description: "Personal API tokens (session only)." },
      { name: "accounts", description: "Sign-up." },
      { name: "admin", description: "Instance administration." },
      { name: "meta", description: "Health and this document." },
    ],
    paths,
    components,
  };
}

let cached: ReturnType<typeof buildOpenApiDocument> | undefined;

/** The document, built once per process. */
export function openApiDocument() {
  cached ??= buildOpenApiDocument();
  return cached;
}
