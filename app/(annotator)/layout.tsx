export default function AnnotatorLayout({ children }: { children: React.ReactNode }) {
  return <div className="min-h-screen bg-zinc-100">{children}</div>;
}
