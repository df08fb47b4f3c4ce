// The project's own source, read the way the compiler does (oxc's parser), for tests about its structure.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseSync } from "oxc-parser";

export const ROOT = process.cwd();

/** Every .ts/.tsx file under `dir` (repo-relative), skipping generated code. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)))
    .filter((file) => !file.startsWith(`lib${path.sep}generated${path.sep}`))
    .sort();
}

export type Import = { spec: string; typeOnly: boolean };

/** Every module a file names: static imports and re-exports (type-only ones too) and literal dynamic imports. */
export function importsOf(file: string, source = readFileSync(path.join(ROOT, file), "utf8")): Import[] {
  const { module } = parseSync(file, source);
  const found: Import[] = module.staticImports.map((i) => ({
    spec: i.moduleRequest.value,
    typeOnly: i.entries.length > 0 && i.entries.every((e) => e.isType),
  }));
  for (const e of module.staticExports)
    for (const x of e.entries) if (x.moduleRequest) found.push({ spec: x.moduleRequest.value, typeOnly: x.isType });
  for (const d of module.dynamicImports) {
    const literal = /^["']([^"']+)["']$/.exec(source.slice(d.moduleRequest.start, d.moduleRequest.end));
    if (literal?.[1]) found.push({ spec: literal[1], typeOnly: false });
  }
  return found;
}

/** The repo-relative file an import names, or null for a package; `extra` are files that exist only in memory. */
export function resolveImport(from: string, spec: string, extra: ReadonlySet<string> = new Set()): string | null {
  const base = spec.startsWith("@/")
    ? path.join(ROOT, spec.slice(2))
    : spec.startsWith(".")
      ? path.resolve(path.dirname(path.join(ROOT, from)), spec)
      : null;
  if (base === null) return null;
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")]) {
    const file = path.relative(ROOT, candidate);
    if (extra.has(file) || (existsSync(candidate) && statSync(candidate).isFile())) return file;
  }
  throw new Error(`${from}: cannot resolve "${spec}"`);
}
