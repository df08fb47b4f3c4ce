// The documentation stays true where it can be checked: the README is short and links what it moved to docs/,
// "Where things live" matches the tree, and the tables read from code (events, broker errors) match the code.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { GENERATED, withTables } from "../../scripts/docs-tables";

const readme = readFileSync("README.md", "utf8");

test("the README is under 250 lines and links the four documents in docs/, which exist", () => {
  assert.ok(readme.split("\n").length < 250, `README.md has ${readme.split("\n").length} lines`);
  for (const doc of ["architecture", "operations", "security", "benchmarks"]) {
    assert.ok(existsSync(`docs/${doc}.md`), `docs/${doc}.md`);
    assert.ok(readme.includes(`(docs/${doc}.md)`), `the README links docs/${doc}.md`);
  }
});

test("every relative link in the README and docs/ points at a file that exists", () => {
  const files = ["README.md", "lib/README.md", ...readdirSync("docs").map((f) => `docs/${f}`)];
  for (const file of files)
    for (const [, target = ""] of readFileSync(file, "utf8").matchAll(/\]\((?!https?:|#)([^)#\s]+)[^)]*\)/g))
      assert.ok(existsSync(path.join(path.dirname(file), target)), `${file} links ${target}`);
});

test('"Where things live" lists paths that exist, and every folder of lib/', () => {
  const section = readme.slice(
    readme.indexOf("## Where things live"),
    readme.indexOf("\n## ", readme.indexOf("## Where things live") + 3),
  );
  const listed = [...section.matchAll(/^\| ([^|]+) \|/gm)].flatMap(([, cell = ""]) =>
    [...cell.matchAll(/`([^`]+)`/g)].map(([, p = ""]) => p),
  );
  assert.ok(listed.length > 10, `found ${listed.length} paths`);
  for (const p of listed) assert.ok(existsSync(p), `${p} is listed but does not exist`);
  const folders = readdirSync("lib", { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== "generated");
  for (const folder of folders) assert.ok(listed.includes(`lib/${folder.name}/`), `lib/${folder.name}/ is not listed`);
});

test("the tables docs/ reads from code (webhook events, broker errors) are what the code says", () => {
  for (const file of new Set(GENERATED.map((g) => g.file)))
    assert.equal(readFileSync(file, "utf8"), withTables(file), `${file} is stale: run npm run docs:tables`);
});
