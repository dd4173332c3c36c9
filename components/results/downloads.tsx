const button =
  "inline-flex items-center justify-center gap-2 rounded-md bg-white px-3 py-1.5 text-sm font-semibold text-zinc-900 ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50";

/** Download links (plain anchors: the browser streams the file; the API answers with Content-Disposition). */
export function Downloads({ studyId, prefix }: { studyId: string; prefix: string }) {
  const base = `/api/studies/${encodeURIComponent(studyId)}`;
  const files = [
    { href: `${base}/export/trials.csv`, label: "trials.csv", title: "Every answered trial, one row each (re-score with npm run score)" },
    { href: `${base}/export/trials.json`, label: "trials.json", title: "The same rows as JSON" },
    { href: `${base}/export/evaluators.csv`, label: "evaluators.csv", title: "The evaluator table below" },
    { href: `${base}/scores`, label: "scores.json", title: "Every score, CI and test as JSON (what npm run score prints)", download: `${prefix}scores.json` },
    { href: `${base}/export/manifest.json`, label: "manifest.json", title: "Config, seed, scoring method, image hashes, counts" },
  ];
  return (
    <nav aria-label="Downloads" className="flex flex-wrap gap-2">
      {files.map((file) => (
        <a key={file.label} href={file.href} title={file.title} download={file.download ?? true} className={button}>
          <span aria-hidden>↓</span> {file.label}
        </a>
      ))}
    </nav>
  );
}
