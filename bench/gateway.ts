// `npm run bench:gateway`: the gateway beside the same calls made straight at the simulator's API host, in one
// run. Small calls (a model's export list) with wrk at 1 and 16 connections: requests/s and p50, the p50 overhead
// and the throughput ratio, with the simulator answering at once and as Anaplan does (20 ms). Large transfers: a
// 200 MB file uploaded in 50 MB chunks and downloaded whole, each direct and through the gateway, over the
// loopback and over a paced 1 Gbit/s link: MB/s, the ratio, and how far the portal's resident memory grew, on its
// first large transfer (its buffers growing to their working size) and on the next one.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { MODELS } from "@/simulator/integration";
import { simulatorOperator } from "@/simulator/operator-client";
import { startRig } from "./rig";

const PORT = 3192;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CHUNK = 50 * 1024 * 1024;
const CHUNKS = 4;
const model = MODELS[0];
/** Real Anaplan answers a list call in tens of milliseconds; the simulator at once unless told. */
const ANAPLAN_LATENCY_MS = 20;
/** A 1 Gbit/s link to Anaplan, the other case beside the loopback. */
const LINK_BYTES_PER_SECOND = 125_000_000;
const base = `2/0/workspaces/${model.workspaceId}/models/${model.id}`;

if (spawnSync("wrk", ["--version"]).error) {
  process.stderr.write("wrk is needed for the small calls: sudo apt-get install -y wrk\n");
  process.exit(1);
}

/** wrk's figures: requests/s and the p50 latency in ms. Not spawnSync: the simulator answers from this process. */
async function wrk(url: string, authorization: string, connections: number) {
  const child = spawn(
    "wrk",
    ["-t1", `-c${connections}`, `-d${SECONDS}s`, "--latency", "-H", `Authorization: ${authorization}`, url],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (c: Buffer) => (out += c.toString()));
  await new Promise((resolve) => child.once("close", resolve));
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const [, value = "NaN", unit = "ms"] = /\s50%\s+([\d.]+)(us|ms|s)/.exec(out) ?? [];
  const p50 = Number(value) * (unit === "us" ? 0.001 : unit === "s" ? 1000 : 1);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p50, non2xx };
}

function table(rows: Record<string, unknown>[]) {
  console.info(Object.keys(rows[0] ?? {}).join(" | "));
  for (const row of rows) console.info(Object.values(row).join(" | "));
}

const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

/** One request with a streamed body of `bytes` (a pattern, made as it is sent) or none; resolves with bytes read. */
function transfer(url: string, authorization: string, method: string, bytes = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method,
      headers: { Authorization: authorization, ...(bytes > 0 && { "Content-Length": String(bytes) }) },
    });
    request.once("error", reject);
    request.once("response", (response) => {
      let read = 0;
      response.on("data", (c: Buffer) => (read += c.length));
      response.once("end", () =>
        response.statusCode && response.statusCode < 300
          ? resolve(read)
          : reject(new Error(`HTTP ${response.statusCode}`)),
      );
    });
    const block = Buffer.alloc(1024 * 1024, 7);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += block.length;
        if (!request.write(block)) return void request.once("drain", pump);
      }
      request.end();
    };
    pump();
  });
}

/** MB/s of a chunked upload then a whole download of the same file, and the portal's RSS growth during both. */
async function large(api: string, authorization: string, pid: number) {
  const file = "113000000000";
  const sample = { max: rssOf(pid) };
  const before = sample.max;
  const timer = setInterval(() => (sample.max = Math.max(sample.max, rssOf(pid))), 50);
  const started = performance.now();
  await transfer(`${api}/${base}/files/${file}`, authorization, "POST", 0);
  for (let i = 0; i < CHUNKS; i++)
    await transfer(`${api}/${base}/files/${file}/chunks/${i}`, authorization, "PUT", CHUNK);
  const uploaded = performance.now();
  const read = await transfer(`${api}/${base}/files/${file}`, authorization, "GET");
  const downloaded = performance.now();
  clearInterval(timer);
  if (read !== CHUNK * CHUNKS) throw new Error(`downloaded ${read} bytes, not ${CHUNK * CHUNKS}`);
  const mb = (CHUNK * CHUNKS) / 1024 / 1024;
  return {
    up: mb / ((uploaded - started) / 1000),
    down: mb / ((downloaded - uploaded) / 1000),
    rss: sample.max - before,
  };
}

/**
 * The ceiling: a bare node:http relay in a process of its own (no credential, limits or record), forwarding to the
 * simulator's API host as the gateway does. What any relay on node:http costs here, beside what the gateway adds.
 */
function startBareRelay(target: string, port: number) {
  const code = `
    import http from "node:http";
    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const target = new URL(${JSON.stringify(target)});
    http.createServer((req, res) => {
      const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method,
        headers: { ...req.headers, host: target.host }, agent }, (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    }).listen(${port}, "127.0.0.1", () => process.stdout.write("ready\\n"));`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise<{ url: string; stop: () => void }>((resolve) =>
    child.stdout.once("data", () => resolve({ url: `http://127.0.0.1:${port}`, stop: () => child.kill() })),
  );
}

const rig = await startRig([PORT], { GATEWAY_RATE_LIMIT_PER_MINUTE: "10000000" });
try {
  const { key } = await rig.seedKey();
  const portal = rig.bases[0] ?? "";
  const token = (await (
    await fetch(`${portal}/api/v1/token`, { method: "POST", headers: { Authorization: `Bearer ${key}` } })
  ).json()) as { access_token: string };
  const direct = { api: rig.sim.urls.api, auth: `AnaplanAuthToken ${token.access_token}` };
  const gateway = { api: `${portal}/api/v1/anaplan`, auth: `Bearer ${key}` };
  const relay = await startBareRelay(rig.sim.urls.api, PORT + 1);
  const bare = { api: relay.url, auth: direct.auth };
  const small = (side: typeof direct) => `${side.api}/${base}/exports`;
  await wrk(small(gateway), gateway.auth, 4); // warm-up: JIT, pools, connections to the API host
  await wrk(small(direct), direct.auth, 4);
  await wrk(small(bare), bare.auth, 4);
  const operator = simulatorOperator(rig.sim.url);
  const rows = [];
  for (const latency of [0, ANAPLAN_LATENCY_MS]) {
    await operator.setDefaults({ integrationLatencyMs: latency });
    for (const connections of [1, 16]) {
      const d = await wrk(small(direct), direct.auth, connections);
      const b = await wrk(small(bare), bare.auth, connections);
      const g = await wrk(small(gateway), gateway.auth, connections);
      rows.push({
        "Anaplan answers in": latency === 0 ? "0 ms (loopback)" : `${latency} ms`,
        connections,
        "direct req/s": Math.round(d.rps),
        "bare relay req/s": Math.round(b.rps),
        "gateway req/s": Math.round(g.rps),
        "throughput ratio": (g.rps / d.rps).toFixed(2),
        "gateway/bare relay": (g.rps / b.rps).toFixed(2),
        "direct p50 ms": d.p50.toFixed(2),
        "gateway p50 ms": g.p50.toFixed(2),
        "p50 overhead ms": (g.p50 - d.p50).toFixed(2),
        "bare relay p50 ms": b.p50.toFixed(2),
        "non-2xx": d.non2xx + b.non2xx + g.non2xx,
      });
    }
  }
  await operator.setDefaults({ integrationLatencyMs: 0 });
  console.info(`Gateway, small calls (GET …/exports), wrk ${SECONDS} s per case, ${os.cpus().length} cores`);
  console.info("(targets: p50 overhead ≤ 2 ms, throughput ratio ≥ 0.8 at 16 connections)");
  table(rows);

  const pid = rig.pids[0] ?? 0;
  const transfers = [];
  for (const pace of [0, LINK_BYTES_PER_SECOND]) {
    await operator.setDefaults({ integrationBytesPerSecond: pace });
    const d = await large(direct.api, direct.auth, pid);
    const b = await large(bare.api, bare.auth, pid);
    const first = await large(gateway.api, gateway.auth, pid);
    const g = await large(gateway.api, gateway.auth, pid);
    const link = pace === 0 ? "loopback" : `${Math.round((pace * 8) / 1e9)} Gbit/s`;
    for (const way of ["up", "down"] as const) {
      transfers.push({
        link,
        transfer: way === "up" ? "upload, 4 × 50 MB chunks" : "download, 200 MB whole",
        "direct MB/s": d[way].toFixed(0),
        "bare relay MB/s": b[way].toFixed(0),
        "gateway MB/s": g[way].toFixed(0),
        ratio: (g[way] / d[way]).toFixed(2),
        "gateway/bare relay": (g[way] / b[way]).toFixed(2),
        "portal RSS growth MB (first transfer, then the next)": `${first.rss.toFixed(0)}, then ${g.rss.toFixed(0)}`,
      });
    }
  }
  console.info("\nLarge transfers, direct and through the gateway (targets: ratio ≥ 0.9, RSS growth < 50 MB)");
  table(transfers);
  relay.stop();
} finally {
  await rig.stop();
  process.exit(0);
}
