"use client";

import { useEffect, useState } from "react";
import type { SessionView } from "./session-api";

/** Shown only after the server has acknowledged every answer; Prolific participants are redirected. */
export function Completion({ session }: { session: SessionView }) {
  const [copied, setCopied] = useState(false);
  const redirectUrl = session.completion?.redirectUrl ?? null;
  useEffect(() => {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => undefined);
    if (redirectUrl) {
      const timer = setTimeout(() => window.location.assign(redirectUrl), 1500);
      return () => clearTimeout(timer);
    }
  }, [redirectUrl]);

  if (session.status === "DISQUALIFIED") {
    return (
      <div className="mx-auto max-w-xl rounded-xl border border-zinc-200 bg-white p-8 shadow-sm" data-testid="disqualified">
        <h1 className="text-xl font-semibold">Thank you</h1>
        <p className="mt-2 text-sm text-zinc-600">
          The screening round did not reach the accuracy this study needs, so the main study ends here. Your answers were saved.
        </p>
      </div>
    );
  }
  return (
    <div className="mx-auto max-w-xl rounded-xl border border-zinc-200 bg-white p-8 shadow-sm" data-testid="completed">
      <h1 className="text-xl font-semibold">All done — thank you!</h1>
      <p className="mt-2 text-sm text-zinc-600">Every answer is saved on our server.</p>
      {redirectUrl ? (
        <p className="mt-4 text-sm">Taking you back to Prolific… If nothing happens, <a className="text-indigo-600 underline" href={redirectUrl}>click here</a>.</p>
      ) : session.completion ? (
        <div className="mt-6">
          <p className="text-sm text-zinc-600">Your completion code:</p>
          <div className="mt-2 flex items-center gap-3">
            <code className="rounded-md bg-zinc-100 px-3 py-2 font-mono text-lg tracking-wider" data-testid="completion-code">
              {session.completion.code}
            </code>
            <button
              className="text-sm font-medium text-indigo-600 hover:underline"
              onClick={() => navigator.clipboard?.writeText(session.completion!.code).then(() => setCopied(true))}
            >
              {copied ? "Copied" : "Copy"}
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}
