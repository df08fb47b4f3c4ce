import { PageTitle } from "@/components/ui";

/** The profile waits on a live call to Anaplan; say so instead of showing nothing. */
export default function Loading() {
  return (
    <main className="mx-auto flex max-w-6xl flex-col gap-4 px-6 py-12" aria-busy="true">
      <PageTitle>Your Anaplan profile</PageTitle>
      <p role="status" className="text-slate-600">
        Asking Anaplan who you are…
      </p>
    </main>
  );
}
