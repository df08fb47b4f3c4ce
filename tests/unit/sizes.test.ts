// Small files and short functions, so each one can be read whole: no source file over 300 lines, no function over
// 80 (tests excepted). Measured on the parsed source, so a long arrow function or a page component counts too.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseSync } from "oxc-parser";
import { sourceFiles } from "../helpers/source";

const SOURCE = ["app", "components", "lib", "simulator", "scripts", "bench", "proxy.ts", "instrumentation.ts"];
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 80;

const files = () => SOURCE.flatMap((entry) => (/\.tsx?$/.test(entry) ? [entry] : sourceFiles(entry)));

type Node = { type?: string; start?: number; end?: number; [key: string]: unknown };

function functionsOf(source: string, node: unknown, found: { line: number; lines: number }[] = []) {
  if (Array.isArray(node)) for (const child of node) functionsOf(source, child, found);
  else if (node && typeof node === "object") {
    const n = node as Node;
    if (/^(FunctionDeclaration|FunctionExpression|ArrowFunctionExpression)$/.test(n.type ?? "")) {
      const line = source.slice(0, n.start).split("\n").length;
      found.push({ line, lines: source.slice(n.start, n.end).split("\n").length });
    }
    for (const [key, value] of Object.entries(n)) if (key !== "parent") functionsOf(source, value, found);
  }
  return found;
}

test(`no source file is over ${MAX_FILE_LINES} lines`, () => {
  const long = files()
    .map((file) => ({ file, lines: readFileSync(file, "utf8").split("\n").length - 1 }))
    .filter((f) => f.lines > MAX_FILE_LINES)
    .map((f) => `${f.file}: ${f.lines} lines`);
  assert.deepEqual(long, []);
});

test(`no function outside the tests is over ${MAX_FUNCTION_LINES} lines`, () => {
  const long = files().flatMap((file) => {
    const source = readFileSync(file, "utf8");
    return functionsOf(source, parseSync(file, source).program)
      .filter((f) => f.lines > MAX_FUNCTION_LINES)
      .map((f) => `${file}:${f.line}: a function of ${f.lines} lines`);
  });
  assert.deepEqual(long, []);
});
