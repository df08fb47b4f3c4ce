import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto flex max-w-xl flex-col gap-4 px-6 py-20">
      <p className="text-sm font-semibold uppercase tracking-wide text-brand-600">Not found</p>
      <h1 className="text-3xl font-bold tracking-tight text-brand-900">There is nothing here</h1>
      <p className="text-slate-600">
        The page does not exist, or it belongs to a team you are not a member of (the portal answers both the same way).
      </p>
      <div className="flex gap-4">
        <Link
          href="/teams"
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
        >
          Your teams
        </Link>
        <Link href="/" className="rounded-md px-4 py-2 text-sm font-semibold text-brand-700 ring-1 ring-brand-600">
          Home
        </Link>
      </div>
    </main>
  );
}
