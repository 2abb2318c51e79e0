/**
 * Benchmark engine: Hookline's worker in its own process (as `npm run worker` runs it), driven
 * by the benchmark over IPC.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import type { WorkerHandle } from "../../lib/worker/run";
import { startProcessWorker } from "../../lib/worker/server";
import { store } from "../../lib/store/connection";
import { notifyNewWork } from "../../lib/store/notify";

type Command =
  | { cmd: "start" }
  | { cmd: "wake"; endpointIds: string[] }
  | { cmd: "roundTrips" }
  | { cmd: "profileStart" }
  | { cmd: "profileStop"; file: string }
  | { cmd: "stop" };

let worker: WorkerHandle | undefined;
/** V8's sampling profiler, started and stopped around one measured phase (HOOKLINE_BENCH_PROFILE). */
let profiler: Session | undefined;
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
    case "profileStart":
      profiler = new Session();
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.start");
      reply({ profiling: true });
      break;
    case "profileStop": {
      const { profile } = await profiler!.post("Profiler.stop");
      profiler!.disconnect();
      writeFileSync(message.file, JSON.stringify(profile));
      reply({ written: message.file });
      break;
    }
    case "stop":
      await worker?.stop(1000);
      reply({ stopped: true });
      process.exit(0);
  }
});
reply({ ready: true });
