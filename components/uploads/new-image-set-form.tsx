"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, FormError } from "@/components/ui/field";

export function NewImageSetForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    const response = await fetch("/api/image-sets", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: String(form.get("name") ?? ""), label: String(form.get("label") ?? "") }),
    }).catch(() => null);
    if (!response?.ok) {
      setPending(false);
      const payload = (await response?.json().catch(() => null)) as { error?: { message?: string } } | null;
      setError(payload?.error?.message ?? "Could not reach the server. Try again.");
      return;
    }
    const { imageSet } = (await response.json()) as { imageSet: { id: string } };
    router.push(`/image-sets/${imageSet.id}`);
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <FormError message={error} />
      <Field id="set-name" name="name" label="Set name" placeholder="e.g. FFHQ real, 256 px" required />
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-zinc-800">The images are</legend>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="label" value="REAL" defaultChecked className="accent-indigo-600" />
          Real (photographs, the reference)
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="label" value="GENERATED" className="accent-indigo-600" />
          Generated (one model&apos;s outputs)
        </label>
      </fieldset>
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create image set"}
      </Button>
    </form>
  );
}
