"use client";

import { useEffect } from "react";
import { Button } from "@/components/ui/button";

/** Between blocks: a rest, continued with Space or the button. */
export function BlockBreak({ block, blocks, onContinue }: { block: number; blocks: number; onContinue(): void }) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === " " || event.key === "Enter") {
        event.preventDefault();
        onContinue();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onContinue]);
  return (
    <div className="mx-auto max-w-md rounded-xl bg-zinc-800 p-8 text-center text-zinc-100" data-testid="block-break">
      <h2 className="text-xl font-semibold">Take a short break</h2>
      <p className="mt-2 text-sm text-zinc-300">
        Part {block} of {blocks} is next. Rest your eyes; continue when you are ready.
      </p>
      <Button className="mt-6" onClick={onContinue}>
        Continue (Space)
      </Button>
    </div>
  );
}
