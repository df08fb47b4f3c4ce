/** Shown while a signed-in page waits on the database (or on Anaplan, for the profile, which has its own). */
export default function Loading() {
  return (
    <main className="mx-auto flex max-w-4xl flex-col gap-4 px-6 py-12" aria-busy="true">
      <p className="text-slate-600">Loading…</p>
    </main>
  );
}
