// A condition's pattern: exact text, or a glob where `*` stands for any run of characters inside one segment (never
// a `/` or `:`) and `**` for any run at all. So `repo:acme/*` matches `repo:acme/etl` but neither
// `repo:acme-evil/x` nor `repo:acme/etl/../x`, and nothing matches by accident across a boundary.
const ESCAPE = /[.+?^${}()|[\]\\]/g;

export function globMatcher(pattern: string): RegExp {
  const source = pattern
    .split("**")
    .map((part) => part.replace(ESCAPE, "\\$&").replaceAll("*", "[^/:]*"))
    .join(".*");
  return new RegExp(`^${source}$`, "s");
}

export const matches = (pattern: string, value: string) => globMatcher(pattern).test(value);

/** A pattern that is only wildcards and separators would trust every workload of the issuer. */
export const trustsAnything = (pattern: string) => /^[*/:]*$/.test(pattern);
