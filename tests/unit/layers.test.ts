// lib/ is layered as lib/README.md's table says: a file imports its own folder and the folders below it, never one
// above, and no files import each other in a circle (type-only imports count too). The table is read from the
// README, so the documentation and the rule cannot drift apart.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { importsOf, resolveImport, sourceFiles } from "../helpers/source";

const layers = [...readFileSync("lib/README.md", "utf8").matchAll(/^\| `([a-z-]+)\/` \|/gm)].map((m) => m[1] as string);

/** The one import that leaves lib/: start-up loads the development simulator, behind its switch. */
const OUTSIDE_LIB = new Map([["lib/server/boot.ts", ["simulator/"]]]);

const folderOf = (file: string): string | null => {
  const [top, first = ""] = file.split(path.sep);
  if (top !== "lib") return null;
  return first === "generated" ? "platform" : first;
};

type Source = { file: string; source?: string };

/** Every broken rule among `files` (extra, in-memory files may be added to show that a rule bites). */
function problems(files: Source[]) {
  const found: string[] = [];
  const graph = new Map<string, string[]>();
  const inMemory = new Set(files.filter((f) => f.source !== undefined).map((f) => f.file));
  for (const { file, source } of files) {
    const from = folderOf(file) ?? "";
    const targets: string[] = [];
    for (const { spec } of importsOf(file, source)) {
      const target = resolveImport(file, spec, inMemory);
      if (target === null) {
        if (/^next(-auth)?(\/|$)/.test(spec) && from !== "server")
          found.push(`${file} imports ${spec}: only server/ may`);
        continue;
      }
      const to = folderOf(target);
      if (to === null) {
        if (!OUTSIDE_LIB.get(file)?.some((allowed) => target.startsWith(allowed)))
          found.push(`${file} imports ${target}, outside lib/`);
        continue;
      }
      if (!target.startsWith(`lib${path.sep}generated`)) targets.push(target);
      if (to !== from && layers.indexOf(to) < layers.indexOf(from))
        found.push(`${file} (${from}/) imports ${target}: ${to}/ is above ${from}/`);
    }
    graph.set(file, targets);
  }
  return [...found, ...cycles(graph)];
}

function cycles(graph: Map<string, string[]>) {
  const found: string[] = [];
  const state = new Map<string, "open" | "done">();
  const visit = (file: string, trail: string[]) => {
    if (state.get(file) === "done") return;
    if (state.get(file) === "open") {
      found.push(`circle: ${[...trail.slice(trail.indexOf(file)), file].join(" → ")}`);
      return;
    }
    state.set(file, "open");
    for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
    state.set(file, "done");
  };
  for (const file of graph.keys()) visit(file, []);
  return found;
}

const lib = () => sourceFiles("lib").map((file) => ({ file }));

test("lib/README.md's table lists every folder of lib/, and each one exists", () => {
  const folders = readdirSync("lib", { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== "generated")
    .map((e) => e.name);
  assert.deepEqual([...layers].sort(), folders.sort());
  const loose = readdirSync("lib").filter((name) => /\.tsx?$/.test(name));
  assert.deepEqual(loose, [], "no loose files beside the layers");
});

test("every import in lib/ points down the layers, and none goes round in a circle", () => {
  assert.deepEqual(problems(lib()), []);
});

test("the rule bites: an upward import, a circle through a type, a reach outside lib/ and Next.js below server/ are each refused", () => {
  const upward = { file: "lib/platform/upward.ts", source: `import { defineAction } from "@/lib/server/actions";` };
  const circleA = { file: "lib/vault/circle-a.ts", source: `import type { B } from "./circle-b";\nexport type A = B;` };
  const circleB = { file: "lib/vault/circle-b.ts", source: `import type { A } from "./circle-a";\nexport type B = A;` };
  const outside = { file: "lib/teams/outside.ts", source: `import { USERS } from "@/simulator/accounts";` };
  const framework = { file: "lib/users/framework.ts", source: `import { headers } from "next/headers";` };
  const found = problems([upward, circleA, circleB, outside, framework]);
  assert.ok(
    found.some((p) => p.startsWith("lib/platform/upward.ts (platform/) imports lib/server/actions.ts")),
    found.join("\n"),
  );
  assert.ok(
    found.some((p) => p.startsWith("circle: lib/vault/circle-a.ts")),
    found.join("\n"),
  );
  assert.ok(
    found.some((p) => p.startsWith("lib/teams/outside.ts imports simulator/accounts.ts")),
    found.join("\n"),
  );
});
