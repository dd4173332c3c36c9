"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";
import { useHydrated } from "@/components/ui/use-hydrated";

export type ApiTokenRow = { id: string; name: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

type ErrorPayload = { error?: { message?: string } } | null;

const day = (iso: string) => iso.slice(0, 10);
const moment = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

async function call(input: string, init?: RequestInit): Promise<{ ok: boolean; payload: unknown }> {
  const response = await fetch(input, init).catch(() => null);
  const payload: unknown = await response?.json().catch(() => null);
  return { ok: Boolean(response?.ok), payload };
}

const messageOf = (payload: unknown, fallback: string) => (payload as ErrorPayload)?.error?.message ?? fallback;

/** Create (the secret is shown once, with a copy button), list and revoke personal API tokens. */
export function ApiTokens({ initial }: { initial: ApiTokenRow[] }) {
  const hydrated = useHydrated();
  const [tokens, setTokens] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<string | null>(null);

  async function onCreate(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const name = String(new FormData(form).get("name") ?? "");
    setPending(true);
    setError(null);
    setCreated(null);
    setCopied(false);
    const { ok, payload } = await call("/api/tokens", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    setPending(false);
    const result = payload as { token?: ApiTokenRow; secret?: string } | null;
    if (!ok || !result?.token || !result.secret) {
      setError(messageOf(payload, "Could not create the token."));
      return;
    }
    setCreated({ name: result.token.name, secret: result.secret });
    setTokens((current) => [result.token!, ...current]);
    form.reset();
  }

  async function onRevoke(token: ApiTokenRow) {
    setRevoking(token.id);
    setError(null);
    const { ok, payload } = await call(`/api/tokens/${encodeURIComponent(token.id)}`, { method: "DELETE" });
    setRevoking(null);
    const result = payload as { token?: ApiTokenRow } | null;
    if (!ok || !result?.token) {
      setError(messageOf(payload, "Could not revoke the token."));
      return;
    }
    setTokens((current) => current.map((row) => (row.id === token.id ? result.token! : row)));
  }

  async function onCopy(secret: string) {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setError("Copying was refused by the browser; select the token and copy it by hand.");
    }
  }

  return (
    <div className="space-y-6">
      <form onSubmit={onCreate} className="flex flex-col gap-3 sm:flex-row sm:items-end" noValidate>
        <div className="flex-1">
          <Field id="token-name" name="name" label="Token name" hint="Where it will be used, e.g. “CI” or “analysis notebook”." maxLength={100} required />
        </div>
        <Button type="submit" disabled={pending || !hydrated} className="sm:mb-5">
          {pending ? "Creating…" : "Create token"}
        </Button>
      </form>
      <FormError message={error} />
      {created ? (
        <div className="rounded-md border border-emerald-200 bg-emerald-50 p-4 text-sm" role="status">
          <p className="font-medium text-emerald-900">
            Your new token “{created.name}”. Copy it now: it is shown only this once and cannot be recovered.
          </p>
          <div className="mt-2 flex items-center gap-2">
            <code className="block flex-1 break-all rounded bg-white px-2 py-1 font-mono text-xs" data-testid="new-token-secret">
              {created.secret}
            </code>
            <Button type="button" variant="secondary" onClick={() => onCopy(created.secret)}>
              {copied ? "Copied" : "Copy"}
            </Button>
          </div>
        </div>
      ) : null}
      {tokens.length === 0 ? (
        <div className="py-8 text-center">
          <p className="font-medium">No API tokens yet</p>
          <p className="mt-1 text-sm text-zinc-600">Create one to call the API from a script, a notebook or CI.</p>
        </div>
      ) : (
        <table className="w-full text-left text-sm" aria-label="API tokens">
          <thead className="text-xs uppercase text-zinc-500">
            <tr>
              <th className="py-2">Name</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Status</th>
              <th className="sr-only">Actions</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {tokens.map((token) => (
              <tr key={token.id} className={token.revokedAt ? "text-zinc-400" : undefined}>
                <td className="py-2 font-medium">{token.name}</td>
                <td>{day(token.createdAt)}</td>
                <td>{token.lastUsedAt ? moment(token.lastUsedAt) : "never"}</td>
                <td>{token.revokedAt ? `revoked ${day(token.revokedAt)}` : "active"}</td>
                <td className="text-right">
                  {token.revokedAt ? null : (
                    <Button
                      type="button"
                      variant="ghost"
                      onClick={() => onRevoke(token)}
                      disabled={revoking === token.id || !hydrated}
                      aria-label={`Revoke ${token.name}`}
                    >
                      {revoking === token.id ? "Revoking…" : "Revoke"}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
