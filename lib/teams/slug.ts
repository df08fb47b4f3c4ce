// Shared by the create-team form (in the browser) and its tests: no imports, so the form ships nothing else.
/** A slug suggested for a team name: "Finance ETL (EU)" → "finance-etl-eu". */
export function slugFor(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
}
