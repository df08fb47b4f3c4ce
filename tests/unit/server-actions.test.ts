// Every server action goes through defineAction (lib/server/actions.ts), and with it the same-origin check, the zod
// parsing of every argument, the session, the rate limit and the refusal audit. Read from the source, so a new
// action file or a new export cannot skip the wrapper unnoticed.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

function serverActionFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|tsx)$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => /^\s*["']use server["']/m.test(readFileSync(file, "utf8")));
}

test("every export of every 'use server' file is a defineAction(...)", () => {
  const files = [...serverActionFiles("app"), ...serverActionFiles("lib"), ...serverActionFiles("components")];
  assert.ok(files.length >= 5, `found ${files.length} action files`);
  const exported: string[] = [];
  for (const file of files) {
    const source = readFileSync(file, "utf8");
    for (const line of source.split("\n").filter((l) => /^export\b/.test(l))) {
      const wrapped = /^export const (\w+) = defineAction\(/.exec(line);
      assert.ok(wrapped, `${file}: "${line.trim()}" is not built with defineAction`);
      exported.push(wrapped[1] ?? "");
    }
  }
  assert.ok(exported.includes("refreshNow"), "the profile's refresh is one of them");
});
