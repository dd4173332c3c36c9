"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { sendJson } from "@/components/send-json";
import { Field, FormError } from "@/components/ui/field";

export function NewStudyForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setPending(true);
    setError(null);
    let study: { id: string };
    try {
      ({ study } = await sendJson<{ study: { id: string } }>("/api/studies", "POST", {
        name: String(form.get("name") ?? ""),
        description: String(form.get("description") ?? ""),
      }));
    } catch (caught) {
      setError((caught as Error).message);
      return;
    } finally {
      setPending(false);
    }
    formElement.reset();
    router.push(`/studies/${study.id}`);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <FormError message={error} />
      <Field id="study-name" name="name" label="Study name" placeholder="e.g. StyleGAN2 vs. diffusion on FFHQ" required />
      <Field id="study-description" name="description" label="Description (optional)" />
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create study"}
      </Button>
    </form>
  );
}
