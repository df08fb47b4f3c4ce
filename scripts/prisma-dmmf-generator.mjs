// A Prisma generator that writes the schema's DMMF as JSON, for the drift test. It speaks Prisma's generator
// protocol (JSON-RPC requests on stdin, answers on stderr) by hand because @prisma/generator-helper is not a
// dependency worth adding for twenty lines.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";

const answer = (id, result) => process.stderr.write(`${JSON.stringify({ jsonrpc: "2.0", id, result })}\n`);

createInterface({ input: process.stdin }).on("line", (line) => {
  const request = JSON.parse(line);
  if (request.method === "getManifest") {
    answer(request.id, { manifest: { prettyName: "DMMF (drift test)", defaultOutput: "../lib/generated/dmmf" } });
  } else if (request.method === "generate") {
    const dir = request.params.generator.output.value;
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "dmmf.json"), JSON.stringify(request.params.dmmf.datamodel, null, 1));
    answer(request.id, null);
  }
});
