import { PageTitle, WaysOut } from "@/components/ui";

export default function NotFound() {
  return (
    <main className="mx-auto flex max-w-xl flex-col gap-4 px-6 py-20">
      <p className="text-sm font-semibold uppercase tracking-wide text-brand-600">Not found</p>
      <PageTitle>There is nothing here</PageTitle>
      <p className="text-slate-600">
        The page does not exist, or it belongs to a team you are not a member of (the portal answers both the same way).
      </p>
      <WaysOut />
    </main>
  );
}
