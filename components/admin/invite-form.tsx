"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { sendJson } from "@/components/send-json";
import { Field, FormError } from "@/components/ui/field";

export function InviteForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    setLink(null);
    try {
      const { invitation } = await sendJson<{ invitation: { link: string } }>("/api/admin/invitations", "POST", {
        email: String(form.get("email") ?? ""),
        role: String(form.get("role") ?? "RESEARCHER"),
      });
      setLink(invitation.link);
    } catch (caught) {
      setError((caught as Error).message);
      return;
    } finally {
      setPending(false);
    }
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <FormError message={error} />
      <Field id="invite-email" name="email" type="email" label="E-mail" required />
      <div className="space-y-1">
        <label htmlFor="invite-role" className="block text-sm font-medium text-zinc-800">
          Role
        </label>
        <select id="invite-role" name="role" className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm">
          <option value="RESEARCHER">Researcher</option>
          <option value="ANNOTATOR">Annotator</option>
          <option value="ADMIN">Administrator</option>
        </select>
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create invitation link"}
      </Button>
      {link ? (
        <div className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm">
          <p className="font-medium text-emerald-900">Send this link (shown once, valid 14 days):</p>
          <code className="mt-1 block break-all font-mono text-xs" data-testid="invitation-link">
            {link}
          </code>
        </div>
      ) : null}
    </form>
  );
}
