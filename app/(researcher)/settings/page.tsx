import type { Metadata } from "next";
import { ApiTokens, type ApiTokenRow } from "@/components/settings/api-tokens";
import { Card } from "@/components/ui/card";
import { listApiTokens } from "@/lib/auth/api-tokens";
import { requirePageUser, RESEARCHER_ROLES } from "@/lib/auth/guard";
import { getDb } from "@/lib/db";

export const metadata: Metadata = { title: "API tokens" };

export default async function SettingsPage() {
  const user = await requirePageUser(RESEARCHER_ROLES, "/settings");
  const tokens: ApiTokenRow[] = (await listApiTokens(getDb(), user.id)).map((token) => ({
    id: token.id,
    name: token.name,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
  }));
  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">API tokens</h1>
        <p className="mt-1 max-w-3xl text-sm text-zinc-600">
          A personal token lets a script or notebook call the researcher API as you: send it as{" "}
          <code className="rounded bg-zinc-100 px-1 font-mono text-xs">Authorization: Bearer pct_…</code>. It can do what you can do
          with studies, image sets and results, but cannot manage tokens. See the{" "}
          <a href="/api/openapi.json" className="text-indigo-600 hover:underline">
            OpenAPI document
          </a>
          .
        </p>
      </div>
      <Card>
        <ApiTokens initial={tokens} />
      </Card>
    </div>
  );
}
