/** The profile waits on a live call to Anaplan; say so instead of showing nothing. */
export default function Loading() {
  return (
    <main className="mx-auto flex max-w-3xl flex-col gap-4 px-6 py-12" aria-busy="true">
      <h1 className="text-3xl font-bold tracking-tight text-brand-900">Your Anaplan profile</h1>
      <p role="status" className="text-slate-600">
        Asking Anaplan who you are…
      </p>
    </main>
  );
}
