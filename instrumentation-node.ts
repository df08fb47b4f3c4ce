import { boot } from "@/lib/boot";
import { stampPeerAddresses } from "@/lib/request-context";

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
