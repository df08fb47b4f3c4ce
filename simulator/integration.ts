// The slice of Anaplan's Integration API (v2, on the API host) that scripts run through the portal's gateway:
// workspaces, models, their files (whole and in chunks, as Anaplan moves them), and imports, exports, processes and
// actions run as tasks. In memory, in Anaplan's shapes and id ranges (113… files, 112… imports, 116… exports, 117…
// actions, 118… processes); every task completes at once, and an export writes the file that shares its id.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { gunzipSync } from "node:zlib";
import type Provider from "oidc-provider";
import { accessTokenOf, json } from "./anaplan-api";
import type { Control } from "./control";

type Kind = "imports" | "exports" | "processes" | "actions";
type StoredFile = { id: string; name: string; chunks: Buffer[] };
type Model = {
  id: string;
  name: string;
  workspaceId: string;
  files: Map<string, StoredFile>;
  objects: Record<Kind, { id: string; name: string }[]>;
  tasks: Map<string, { objectId: string; createdAt: string }>;
};

const FINANCE = "8a868cda7d5f4e6a017d6b1c2a3b0001";
const SALES = "8a868cda7d5f4e6a017d6b1c2a3b0002";
export const WORKSPACES = [
  { id: FINANCE, name: "Finance" },
  { id: SALES, name: "Sales Ops" },
];

const seed = (id: string, name: string, workspaceId: string): Model => ({
  id,
  name,
  workspaceId,
  files: new Map([["113000000000", { id: "113000000000", name: "Actuals.csv", chunks: [] }]]),
  objects: {
    imports: [{ id: "112000000000", name: "Actuals from Actuals.csv" }],
    exports: [
      { id: "116000000000", name: "Grid - Budget.csv" },
      { id: "116000000001", name: "Nightly ledger.csv" },
    ],
    processes: [{ id: "118000000000", name: "Nightly load" }],
    actions: [{ id: "117000000000", name: "Delete unused items" }],
  },
  tasks: new Map(),
});

export const MODELS = [
  { id: "75A40874E6B64FA3AE0743278996850F", name: "Budget 2027", workspaceId: FINANCE },
  { id: "75A40874E6B64FA3AE07432789968510", name: "Forecast", workspaceId: FINANCE },
  { id: "B1E5D3C4A0F24C6E9A7B8C9D0E1F2A30", name: "Pipeline", workspaceId: SALES },
] as const;

const SLICE = 256 * 1024;
const paging = (size: number) => ({ paging: { currentPageSize: size, offset: 0, totalSize: size } });
const ok = { code: 200, message: "Success" };
const notFound = (res: ServerResponse) => json(res, 404, { status: { code: 404, message: "Not Found" } });
const listed = (res: ServerResponse, key: string, items: unknown[]) =>
  json(res, 200, {
    meta: { ...paging(items.length), schema: `https://api.anaplan.com/2/0/objects/${key}` },
    status: ok,
    [key]: items,
  });

/** Waits until `bytes` have taken their time at `pace` bytes/s since `started` (0: no pace, a loopback's speed). */
async function keepPace(started: number, bytes: number, pace: number) {
  if (pace <= 0) return;
  const wait = started + (bytes / pace) * 1000 - performance.now();
  if (wait > 0) await sleep(wait);
}

async function body(req: IncomingMessage, pace: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const started = performance.now();
  let received = 0;
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
    received += (chunk as Buffer).length;
    await keepPace(started, received, pace);
  }
  return Buffer.concat(chunks);
}

async function binary(res: ServerResponse, bytes: Buffer, pace: number) {
  res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": bytes.length });
  if (pace <= 0) return void res.end(bytes);
  const started = performance.now();
  for (let sent = 0; sent < bytes.length; sent += SLICE) {
    if (!res.write(bytes.subarray(sent, sent + SLICE))) await new Promise((resolve) => res.once("drain", resolve));
    await keepPace(started, Math.min(bytes.length, sent + SLICE), pace);
  }
  res.end();
}

function fileView(file: StoredFile) {
  return {
    id: file.id,
    name: file.name,
    chunkCount: file.chunks.length,
    delimiter: '"',
    encoding: "UTF-8",
    firstDataRow: 2,
    format: "txt",
    headerRow: 1,
    separator: ",",
  };
}

function modelView(m: Model) {
  const workspace = WORKSPACES.find((w) => w.id === m.workspaceId);
  return {
    id: m.id,
    activeState: "UNLOCKED",
    name: m.name,
    currentWorkspaceId: m.workspaceId,
    currentWorkspaceName: workspace?.name,
    modelUrl: `https://us1a.app.anaplan.com/anaplan/framework.jsp?selectedWorkspaceId=${m.workspaceId}&takeAction=modelOpen&selectedModelId=${m.id}`,
    categoryValues: [],
  };
}

/** What running an object does: an export writes its file (the ledger, one line per account). */
function run(model: Model, kind: Kind, objectId: string) {
  if (kind !== "exports") return;
  const name = model.objects.exports.find((e) => e.id === objectId)?.name ?? objectId;
  const lines = ["Account,Period,Value", ...Array.from({ length: 20 }, (_, i) => `A${1000 + i},FY27,${(i + 1) * 125}`)];
  model.files.set(objectId, { id: objectId, name, chunks: [Buffer.from(`${lines.join("\n")}\n`)] });
}

export type IntegrationApi = ReturnType<typeof createIntegrationApi>;

async function files(req: IncomingMessage, res: ServerResponse, model: Model, rest: string[], pace: number) {
  const [fileId, sub, chunk] = rest;
  if (!fileId) return listed(res, "files", [...model.files.values()].map(fileView));
  const file = model.files.get(fileId);
  if (req.method === "POST" && sub === undefined) {
    // Anaplan's "set the chunk count" (the upload's start): the file's content starts again.
    const stored = file ?? { id: fileId, name: fileId, chunks: [] };
    stored.chunks = [];
    model.files.set(fileId, stored);
    return json(res, 200, { status: ok, file: fileView(stored) });
  }
  if (!file) return notFound(res);
  if (req.method === "PUT" && sub === undefined) {
    file.chunks = [await body(req, pace)];
    return res.writeHead(204).end();
  }
  if (req.method === "GET" && sub === undefined) return binary(res, Buffer.concat(file.chunks), pace);
  if (sub === "complete" && req.method === "POST") {
    await body(req, 0);
    return json(res, 200, { status: ok, file: fileView(file) });
  }
  if (sub !== "chunks") return notFound(res);
  if (chunk === undefined) {
    return listed(
      res,
      "chunks",
      file.chunks.map((_, i) => ({ id: String(i), name: `Chunk ${i}` })),
    );
  }
  const index = Number(chunk);
  if (!Number.isInteger(index) || index < 0 || index > 10_000) return notFound(res);
  if (req.method === "PUT") {
    // anaplan-sdk gzips every chunk (Content-Type application/x-gzip); Anaplan keeps what it unpacks.
    const bytes = await body(req, pace);
    file.chunks[index] = req.headers["content-type"] === "application/x-gzip" ? gunzipSync(bytes) : bytes;
    return res.writeHead(204).end();
  }
  const bytes = file.chunks[index];
  return bytes ? binary(res, bytes, pace) : notFound(res);
}

function tasks(req: IncomingMessage, res: ServerResponse, model: Model, kind: Kind, rest: string[]) {
  const [objectId, sub, taskId] = rest;
  if (!objectId) return listed(res, kind, model.objects[kind]);
  if (!model.objects[kind].some((o) => o.id === objectId) || sub !== "tasks") return notFound(res);
  if (req.method === "POST" && taskId === undefined) {
    const id = randomUUID().replaceAll("-", "").toUpperCase();
    model.tasks.set(id, { objectId, createdAt: new Date().toISOString() });
    run(model, kind, objectId);
    return json(res, 200, { status: ok, task: { taskId: id, taskState: "IN_PROGRESS", creationTime: Date.now() } });
  }
  if (taskId === undefined) {
    const mine = [...model.tasks].filter(([, t]) => t.objectId === objectId);
    return listed(
      res,
      "tasks",
      mine.map(([id]) => ({ taskId: id, taskState: "COMPLETE" })),
    );
  }
  const task = model.tasks.get(taskId);
  if (!task || task.objectId !== objectId) return notFound(res);
  return json(res, 200, {
    status: ok,
    task: {
      taskId,
      currentStep: "Complete.",
      progress: 1,
      result: { successful: true, objectId, failureDumpAvailable: false },
      taskState: "COMPLETE",
      creationTime: Date.parse(task.createdAt),
    },
  });
}

/**
 * The API host's `/2/0/…` (but the profile): a valid token (either scheme, as api.anaplan.com takes them), counted,
 * answered after `integrationLatencyMs`, with file transfers paced at `integrationBytesPerSecond`.
 */
export function createIntegrationApi({ provider, control }: { provider: Provider; control: Control }) {
  const models = new Map<string, Model>(MODELS.map((m) => [m.id, seed(m.id, m.name, m.workspaceId)]));
  return async function integration(req: IncomingMessage, res: ServerResponse, path: string) {
    const { token } = await accessTokenOf(provider, req);
    if (!token) return json(res, 401, { status: { code: 401, message: "Unauthorized" } });
    control.state.counters.integration++;
    const { integrationLatencyMs, integrationBytesPerSecond } = control.state.defaults;
    if (integrationLatencyMs > 0) await sleep(integrationLatencyMs);
    return route(req, res, models, path.slice("/2/0/".length).split("/").filter(Boolean), integrationBytesPerSecond);
  };
}

/** `/2/0/<path>`, for a caller whose token the API host accepted. */
async function route(
  req: IncomingMessage,
  res: ServerResponse,
  models: Map<string, Model>,
  path: string[],
  pace: number,
) {
  // Anaplan Connect reads the directory as the user's: /users/{userId}/workspaces, /users/{userId}/models.
  const segments = path[0] === "users" && path[1] !== "me" ? path.slice(2) : path;
  const [top, first, second, third, ...rest] = segments;
  if (top === "workspaces" && first === undefined) return listed(res, "workspaces", WORKSPACES.map(workspaceView));
  if (top === "workspaces" && second === undefined) {
    const workspace = WORKSPACES.find((w) => w.id === first);
    return workspace ? json(res, 200, { status: ok, workspace: workspaceView(workspace) }) : notFound(res);
  }
  const inWorkspace = top === "workspaces" && second === "models";
  const scoped = inWorkspace ? [...models.values()].filter((m) => m.workspaceId === first) : [...models.values()];
  if ((top === "models" && first === undefined) || (inWorkspace && third === undefined)) {
    return listed(res, "models", scoped.map(modelView));
  }
  const model = models.get((inWorkspace ? third : first) ?? "");
  if (!model || (inWorkspace && model.workspaceId !== first)) return notFound(res);
  const [collection, ...below] = inWorkspace ? rest : [second, third, ...rest].filter((s) => s !== undefined);
  if (collection === undefined) return json(res, 200, { status: ok, model: modelView(model) });
  if (collection === "files") return files(req, res, model, below, pace);
  if (collection === "imports" || collection === "exports" || collection === "processes" || collection === "actions") {
    return tasks(req, res, model, collection, below);
  }
  return notFound(res);
}

const workspaceView = (w: { id: string; name: string }) => ({
  id: w.id,
  name: w.name,
  active: true,
  sizeAllowance: 10_737_418_240,
  currentSize: 1_073_741_824,
});
