// Runs once when a Next server process starts (never during `next build`).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startServerWorker } = await import("./lib/worker/server");
    startServerWorker();
  }
}
