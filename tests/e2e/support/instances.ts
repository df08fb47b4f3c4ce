// Several `next start` instances of one portal on one database and one Anaplan (a simulator configured as real
// Anaplan would be), for tests of what must hold across instances.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { simulatorAsAnaplan, startSimulator } from "../../../simulator";
import { USERS } from "../../../simulator/accounts";
import { simulatorOperator } from "../../../simulator/operator-client";
import { startDatabase, startPortal } from "./portal";

export async function startInstances(ports: number[], instanceEnv: Record<string, string> = {}) {
  const database = await startDatabase();
  const sim = await startSimulator({
    port: 0,
    redirectUris: ports.map((p) => `http://localhost:${p}/api/auth/callback/anaplan`),
    deviceInterval: 1,
  });
  // Instances of one portal share its settings and secrets: the vault's keys above all, or one cannot open what
  // another sealed.
  const env = {
    ...simulatorAsAnaplan(sim),
    NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
    TOKEN_ENCRYPTION_KEYS: `v1:${randomBytes(32).toString("base64")}`,
    ADMIN_EMAILS: USERS.admin.email,
  };
  const portals = ports.map((port) =>
    startPortal({
      port,
      databaseUrl: database.url,
      dataDir: path.join(database.dir, `data-${port}`),
      env: { ...env, ...instanceEnv },
    }),
  );
  return {
    database,
    sim,
    operator: simulatorOperator(sim.url),
    env,
    portals,
    stop: async () => {
      for (const portal of portals) await portal.stop();
      await sim.close();
      await database.stop();
    },
  };
}
