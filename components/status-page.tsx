import { ButtonLink } from "@/components/ui/button";
import { Logo } from "@/components/ui/logo";

export function StatusPage({ code, title, text, action }: { code: string; title: string; text: string; action?: React.ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center justify-center bg-zinc-100 px-6 text-center">
      <Logo />
      <p className="mt-10 text-sm font-semibold text-indigo-600">{code}</p>
      <h1 className="mt-2 text-3xl font-bold tracking-tight">{title}</h1>
      <p className="mt-3 max-w-md text-zinc-600">{text}</p>
      <div className="mt-8 flex gap-3">{action ?? <ButtonLink href="/">Back to Percept</ButtonLink>}</div>
    </div>
  );
}
