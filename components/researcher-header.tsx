import Link from "next/link";
import type { CurrentUser } from "@/lib/auth/guard";
import { SignOutButton } from "@/components/sign-out-button";
import { Logo } from "@/components/ui/logo";

export function ResearcherHeader({ user }: { user: CurrentUser }) {
  return (
    <header className="border-b border-zinc-200 bg-white">
      <div className="mx-auto flex max-w-6xl items-center justify-between px-6 py-3">
        <div className="flex items-center gap-8">
          <Logo />
          <nav className="flex gap-4 text-sm text-zinc-600">
            <Link href="/dashboard" className="hover:text-zinc-900">
              Studies
            </Link>
            <Link href="/image-sets" className="hover:text-zinc-900">
              Image sets
            </Link>
            <Link href="/settings" className="hover:text-zinc-900">
              API tokens
            </Link>
            {user.role === "ADMIN" ? (
              <Link href="/admin" className="hover:text-zinc-900">
                Administration
              </Link>
            ) : null}
          </nav>
        </div>
        <div className="flex items-center gap-3 text-sm">
          <span className="text-zinc-600" data-testid="current-user">
            {user.email}
            <span className="ml-2 rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-700">{user.role.toLowerCase()}</span>
          </span>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
