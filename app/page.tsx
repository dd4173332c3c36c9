import { ButtonLink } from "@/components/ui/button";
import { Logo } from "@/components/ui/logo";

const STEPS = [
  {
    title: "Timed judgement (HYPE_time)",
    text: "Annotators see each image for a controlled number of display frames, then a mask. An adaptive staircase finds the shortest exposure at which each person still tells real from generated.",
  },
  {
    title: "Untimed error rate (HYPE_∞)",
    text: "With no time limit, the share of images judged wrongly: 50% is chance, above it the model fools people more often than real photos convince them.",
  },
  {
    title: "Numbers a paper can cite",
    text: "Bootstrap confidence intervals, separability tests across models, raw trial rows that recompute every score, and automatic metrics (FID, KID, IS, precision/recall) side by side.",
  },
];

export default function LandingPage() {
  return (
    <div className="min-h-screen bg-gradient-to-b from-white to-zinc-100">
      <header className="mx-auto flex max-w-6xl items-center justify-between px-6 py-5">
        <Logo />
        <nav className="flex gap-2">
          <ButtonLink href="/signin" variant="ghost">
            Sign in
          </ButtonLink>
          <ButtonLink href="/signup">Create account</ButtonLink>
        </nav>
      </header>
      <main className="mx-auto max-w-6xl px-6 pb-24">
        <section className="py-20 text-center">
          <p className="mb-4 text-sm font-semibold uppercase tracking-widest text-indigo-600">Human eYe Perceptual Evaluation</p>
          <h1 className="mx-auto max-w-3xl text-4xl font-bold tracking-tight text-zinc-900 sm:text-5xl">
            Measure how real your generated images look — to people.
          </h1>
          <p className="mx-auto mt-6 max-w-2xl text-lg text-zinc-600">
            Percept runs the HYPE protocol (Zhou et al., NeurIPS 2019) end to end: launch a study, send annotators a link, and
            export scores with confidence intervals, next to the automatic metrics computed in your browser.
          </p>
          <div className="mt-10 flex justify-center gap-3">
            <ButtonLink href="/signup">Start a study</ButtonLink>
            <ButtonLink href="/signin" variant="secondary">
              I have an account
            </ButtonLink>
          </div>
        </section>
        <section className="grid gap-6 md:grid-cols-3">
          {STEPS.map((step) => (
            <article key={step.title} className="rounded-xl border border-zinc-200 bg-white p-6 shadow-sm">
              <h2 className="font-semibold text-zinc-900">{step.title}</h2>
              <p className="mt-2 text-sm leading-6 text-zinc-600">{step.text}</p>
            </article>
          ))}
        </section>
        <p className="mt-16 text-center text-sm text-zinc-500">
          Open source. Runs on an embedded database out of the box, or on PostgreSQL in production.
        </p>
      </main>
    </div>
  );
}
