export async function register() {
  // Boot needs Node (child processes, the file system); the edge runtime never runs it.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServer } = await import("./instrumentation-node");
    await startServer();
  }
}
