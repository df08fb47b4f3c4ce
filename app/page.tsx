import { ButtonLink } from "@/components/ui";

export default function HomePage() {
  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-8 px-6 py-20">
      <div>
        <p className="text-sm font-semibold uppercase tracking-wide text-brand-600">Anaplan Token Portal</p>
        <h1 className="mt-2 text-4xl font-bold tracking-tight text-brand-900">
          Anaplan tokens for your scripts, without passwords in your scripts.
        </h1>
        <p className="mt-4 text-lg text-slate-600">
          Enrol a service identity once with Anaplan&apos;s device grant. The portal keeps its refresh token encrypted,
          refreshes it safely and hands your scripts short-lived access tokens.
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-4">
        <ButtonLink href="/signin">Sign in with Anaplan</ButtonLink>
        <span className="text-sm text-slate-600">
          Then: create a team, add a service identity, enrol it, and give a script its key.
        </span>
      </div>
    </main>
  );
}
