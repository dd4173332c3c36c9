/** How to recompute every number on the page from the trial download. */
export function ReproducibilityNote({ seed, resamples, confidence, command, asOf }: { seed: number; resamples: number; confidence: number; command: string; asOf: string }) {
  return (
    <div className="space-y-2 text-sm text-zinc-700" data-testid="reproducibility">
      <p>
        Scores use the study seed <strong className="tabular-nums">{seed}</strong>, {resamples.toLocaleString("en-US")} bootstrap resamples over evaluators
        and {Math.round(confidence * 100)}% percentile intervals, on the answers stored up to{" "}
        <time dateTime={asOf}>{asOf.replace("T", " ").replace(/\.\d+Z$/, " UTC")}</time>. Re-run trials (flag <code>replaced</code>) are not scored.
      </p>
      <p>Download trials.csv and run, in a Percept checkout:</p>
      <pre className="overflow-x-auto rounded-md bg-zinc-900 px-3 py-2 font-mono text-xs text-zinc-100" data-testid="score-command">
        {command}
      </pre>
      <p className="text-xs text-zinc-500">
        Its last output line is the JSON of scores.json. Answers stored after the download will change the numbers; the manifest records the counts
        at export time.
      </p>
    </div>
  );
}
