"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError } from "@/components/ui/field";
import { sendJson } from "@/components/send-json";

const ACTIONS: Record<string, { action: "launch" | "pause" | "resume" | "close"; label: string; confirm?: string; variant?: "secondary" }[]> = {
  DRAFT: [{ action: "launch", label: "Launch study", confirm: "Launch? The design (images, arms, staircase, blocks) locks; texts stay editable." }],
  LIVE: [
    { action: "pause", label: "Pause", variant: "secondary" },
    { action: "close", label: "Close study", confirm: "Close the study for good? No new annotators can join.", variant: "secondary" },
  ],
  PAUSED: [
    { action: "resume", label: "Resume" },
    { action: "close", label: "Close study", confirm: "Close the study for good? No new annotators can join.", variant: "secondary" },
  ],
  CLOSED: [],
};

export function LifecycleControls({ studyId, status }: { studyId: string; status: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const actions = ACTIONS[status] ?? [];

  async function run(action: (typeof actions)[number]) {
    if (action.confirm && !window.confirm(action.confirm)) return;
    setPending(true);
    setError(null);
    try {
      await sendJson(`/api/studies/${studyId}/status`, "POST", { action: action.action });
      router.refresh();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        {actions.map((action) => (
          <Button key={action.action} variant={action.variant} disabled={pending} onClick={() => run(action)}>
            {action.label}
          </Button>
        ))}
        {status === "CLOSED" ? <p className="text-sm text-zinc-600">This study is closed. Its data stays available for results and export.</p> : null}
      </div>
      <FormError message={error} />
    </div>
  );
}
