"use client";

import { useState } from "react";
import { FormError } from "@/components/ui/field";

export function SignupSetting({ initial }: { initial: boolean }) {
  const [openSignup, setOpenSignup] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function toggle(next: boolean) {
    setSaving(true);
    setError(null);
    const response = await fetch("/api/admin/settings", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ openSignup: next }),
    }).catch(() => null);
    setSaving(false);
    if (response?.ok) setOpenSignup(next);
    else setError("Could not save the setting. Try again.");
  }

  return (
    <div className="space-y-3">
      <label className="flex items-start gap-3 text-sm">
        <input
          type="checkbox"
          className="mt-0.5 h-4 w-4 rounded border-zinc-300 text-indigo-600"
          checked={openSignup}
          disabled={saving}
          onChange={(event) => toggle(event.target.checked)}
        />
        <span>
          <span className="font-medium">Open sign-up</span>
          <span className="block text-zinc-600">Anyone can create a researcher account. When off, researchers join by invitation.</span>
        </span>
      </label>
      <FormError message={error} />
    </div>
  );
}
