/**
 * Benchmark engine: Hookline's worker in its own process (as `npm run worker` runs it), driven
 * by the benchmark over IPC.
 */
import type { WorkerHandle } from "../../lib/worker/run";
import { startProcessWorker } from "../../lib/worker/server";
import { store } from "../../lib/store/connection";
import { notifyNewWork } from "../../lib/store/notify";

type Command =
  | { cmd: "start" }
  | { cmd: "wake"; endpointIds: string[] }
  | { cmd: "roundTrips" }
  | { cmd: "clock" }
  | { cmd: "stop" };

let worker: WorkerHandle | undefined;
const reply = (message: unknown) => process.send!(message);

process.on("message", async (message: Command) => {
  switch (message.cmd) {
    case "start":
      worker = startProcessWorker({ log: (text, error) => console.error(`[engine] ${text}`, error ?? "") });
      reply({ started: true });
      break;
    case "wake":
      notifyNewWork(store(), message.endpointIds);
      reply({ woken: true });
      break;
    case "roundTrips": {
      // Database round trips made by this process's store so far (PostgreSQL only).
      const current = store();
      reply({ count: current.engine === "postgres" ? current.roundTrips.count : null });
      break;
    }
    case "clock":
      // The monotonic clock V8's CPU profiles (--cpu-prof) are timed by, in µs: the bench marks
      // the profiled round's start and end with it (profile-parts.ts).
      reply({ micros: Number(process.hrtime.bigint() / 1000n) });
      break;
    case "stop":
      await worker?.stop(1000);
      reply({ stopped: true });
      process.exit(0);
  }
});
reply({ ready: true });
