import { headers } from "next/headers";
import { ResearcherHeader } from "@/components/researcher-header";
import { requirePageUser, RESEARCHER_ROLES } from "@/lib/auth/guard";

export default async function ResearcherLayout({ children }: { children: React.ReactNode }) {
  const returnTo = (await headers()).get("x-percept-path") ?? "/dashboard";
  const user = await requirePageUser(RESEARCHER_ROLES, returnTo);
  return (
    <div className="min-h-screen">
      <ResearcherHeader user={user} />
      <main className="mx-auto max-w-6xl px-6 py-10">{children}</main>
    </div>
  );
}
