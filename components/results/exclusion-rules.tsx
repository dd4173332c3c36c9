import Link from "next/link";
import type { ExclusionSummary } from "@/lib/studies/results";

/** The active exclusion rules and how many evaluators each left out of the scores, per arm. */
export function ExclusionRules({ studyId, rules, arms }: { studyId: string; rules: ExclusionSummary[]; arms: string[] }) {
  const edit = (
    <Link href={`/studies/${studyId}`} className="text-indigo-700 hover:underline">
      change them on the study page
    </Link>
  );
  if (rules.length === 0) {
    return <p className="text-sm text-zinc-600" data-testid="exclusion-rules">No exclusion rules are active: every evaluator with answers is scored ({edit}).</p>;
  }
  return (
    <div className="space-y-2" data-testid="exclusion-rules">
      <table className="w-full text-sm">
        <thead className="text-left text-xs uppercase tracking-wide text-zinc-500">
          <tr>
            <th className="py-1 font-medium">Excluded when</th>
            {arms.map((arm) => (
              <th key={arm} className="py-1 text-right font-medium">
                {arm}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="tabular-nums">
          {rules.map((rule) => (
            <tr key={rule.reason} className="border-t border-zinc-100" data-testid="exclusion-rule">
              <td className="py-1.5">{rule.rule}</td>
              {arms.map((arm) => (
                <td key={arm} className="py-1.5 text-right">
                  {rule.perArm[arm] ?? 0}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="text-xs text-zinc-500">
        Evaluators excluded per rule and arm; one excluded for several reasons counts under each. Excluded evaluators stay in the downloads and the table below,
        and are left out of every score. The rules change the analysis only, so they stay editable while the study runs ({edit}).
      </p>
    </div>
  );
}
