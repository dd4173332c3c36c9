"use client";

import { useState } from "react";
import { sendJson } from "@/components/send-json";
import { FormError } from "@/components/ui/field";

export function SignupSetting({ initial }: { initial: boolean }) {
  const [openSignup, setOpenSignup] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  async function toggle(next: boolean) {
    setSaving(true);
    setError(null);
    try {
      await sendJson("/api/admin/settings", "PATCH", { openSignup: next });
      setOpenSignup(next);
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setSaving(false);
    }
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
