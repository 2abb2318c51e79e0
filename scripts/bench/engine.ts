/**
 * Benchmark engine: Hookline's worker in its own process (as `npm run worker` runs it), driven
 * by the benchmark over IPC. "offer" creates events in-process at a fixed rate, the way the
 * API does (createEvent → in-process wake-up), and reports when each was accepted.
 */
import { createEvent } from "../../lib/events/queries";
import type { WorkerHandle } from "../../lib/worker/run";
import { startProcessWorker } from "../../lib/worker/server";
import { store } from "../../lib/store/connection";
import { notifyNewWork } from "../../lib/store/notify";

type Command =
  | { cmd: "start" }
  | { cmd: "wake"; endpointIds: string[] }
  | { cmd: "offer"; userId: string; perSecond: number; seconds: number }
  | { cmd: "roundTrips" }
  | { cmd: "stop" };

let worker: WorkerHandle | undefined;
const reply = (message: unknown) => process.send!(message);

async function offer(userId: string, perSecond: number, seconds: number) {
  const accepted: Array<[string, number]> = [];
  const total = perSecond * seconds;
  const interval = 1000 / perSecond;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    // Open-loop: event i is offered at start + i·interval, however long earlier ones took.
    const wait = start + i * interval - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const event = await createEvent(userId, { type: "bench.latency", payload: `{"n":${i}}` });
    accepted.push([event.id, Date.now()]);
  }
  return accepted;
}

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
    case "offer":
      reply({ accepted: await offer(message.userId, message.perSecond, message.seconds) });
      break;
    case "roundTrips": {
      // Database round trips made by this process's store so far (PostgreSQL only).
      const current = store();
      reply({ count: current.engine === "postgres" ? current.roundTrips.count : null });
      break;
    }
    case "stop":
      await worker?.stop(1000);
      reply({ stopped: true });
      process.exit(0);
  }
});
reply({ ready: true });
