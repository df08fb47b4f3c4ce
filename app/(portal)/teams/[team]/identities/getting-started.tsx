import Link from "next/link";
import { CARD_FRAME } from "@/components/ui";
import type { GettingStarted as Progress } from "@/lib/identities/getting-started";

type Step = { title: string; detail: string; done: boolean; action?: { href: string; label: string } };

/** Shown on a team's dashboard until a script has used one of its identities: the four steps, each with its button. */
export function GettingStarted({ slug, progress }: { slug: string; progress: Progress }) {
  const identity = (id: string) => `/teams/${slug}/identities/${id}`;
  const steps: Step[] = [
    {
      title: "Create a service identity",
      detail: "One per script or job, named after it.",
      done: progress.created,
      action: { href: `/teams/${slug}/identities/new`, label: "New identity" },
    },
    {
      title: "Enrol it with Anaplan",
      detail: "The script's Anaplan account approves a code once; the portal keeps its tokens sealed.",
      done: progress.enrolled !== null,
      action: progress.toEnrol
        ? { href: identity(progress.toEnrol.id), label: `Enrol ${progress.toEnrol.name}` }
        : undefined,
    },
    {
      title: "Create an API key",
      detail: "The script's only secret: it asks the portal for short-lived Anaplan tokens.",
      done: progress.keyed,
      action: progress.enrolled
        ? { href: `${identity(progress.enrolled.id)}#api-keys`, label: "Create a key" }
        : undefined,
    },
    {
      title: "Test it from a script",
      detail: "Run the example shown with the key; this step is done when the portal sees the first call.",
      done: progress.used,
      action:
        progress.enrolled && progress.keyed
          ? { href: identity(progress.enrolled.id), label: "Show the examples" }
          : undefined,
    },
  ];
  const next = steps.findIndex((s) => !s.done);
  return (
    <section aria-labelledby="getting-started" className={`border-l-4 border-brand-600 p-6 ${CARD_FRAME}`}>
      <h2 id="getting-started" className="text-lg font-semibold text-slate-900">
        Get started: {steps.filter((s) => s.done).length} of {steps.length} done
      </h2>
      <ol className="mt-4 flex flex-col gap-3">
        {steps.map((step, i) => (
          <li key={step.title} className="flex flex-wrap items-start gap-x-3 gap-y-2">
            <span
              aria-hidden="true"
              className={`flex size-6 shrink-0 items-center justify-center rounded-full text-xs font-bold ${step.done ? "bg-emerald-100 text-emerald-800" : i === next ? "bg-brand-600 text-white" : "bg-slate-100 text-slate-500"}`}
            >
              {step.done ? "✓" : i + 1}
            </span>
            <div className="min-w-0 flex-1">
              <p className={`font-medium ${step.done ? "text-slate-500 line-through" : "text-slate-900"}`}>
                {step.title}
                <span className="sr-only">{step.done ? " (done)" : i === next ? " (next)" : ""}</span>
              </p>
              <p className="text-sm text-slate-600">{step.detail}</p>
            </div>
            {i === next && step.action ? (
              <Link
                href={step.action.href}
                className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-brand-700"
              >
                {step.action.label}
              </Link>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
