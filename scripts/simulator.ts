// `npm run simulator`: the Anaplan simulator in a process of its own, e.g. to point a portal started elsewhere at it
// (ANAPLAN_SIMULATOR=1 with the printed URLs and client ids). Prints its settings as one JSON line.
import { parseArgs } from "node:util";
import { simulatorSettings, startSimulator } from "@/simulator";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4010" },
    "redirect-uri": { type: "string", multiple: true, default: ["http://localhost:3000/api/auth/callback/anaplan"] },
  },
});

const simulator = await startSimulator({ port: Number(values.port), redirectUris: values["redirect-uri"] });
console.info(JSON.stringify(simulatorSettings(simulator)));
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => void simulator.close().then(() => process.exit(0)));
}
