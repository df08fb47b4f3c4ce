import { stampPeerAddresses } from "@/lib/platform/request-context";
import { boot } from "@/lib/server/boot";

// If register() throws, `next start` keeps running and serves 500s; a server that cannot boot must exit instead.
export async function startServer() {
  stampPeerAddresses();
  try {
    await boot();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`\nThe portal cannot start.\n${message}\n`);
    process.exit(1);
  }
}
