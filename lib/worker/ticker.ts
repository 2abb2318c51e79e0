/**
 * The schedule ticker: runs inside every worker (run.ts), so in the web server's worker and in
 * each `npm run worker` process alike, on any number of machines.
 *
 * Contract:
 * - Exactly once: each due schedule's tick is fired by lib/store/fire-tick.ts, which makes the
 *   tick fire once however many tickers race for it (see its contract).
 * - Downtime: ticks missed while no ticker ran are skipped, except the latest one, which fires
 *   once (HOOKLINE_SCHEDULE_CATCH_UP=latest, the default); with `none` it is skipped as well.
 *   A ticker that ran all along but fell behind fires each missed tick, in order (up to
 *   MAX_LAG_MS late). See planTick in lib/schedules/cron.ts.
 * - Punctual: besides polling every POLL_MS, a timer is set for the earliest `nextRunAt`, so a
 *   tick fires within milliseconds of its time when the ticker is idle.
 * - The workers are woken for the tick's deliveries (lib/store/notify.ts).
 * - Tick records older than the retention period are pruned hourly: a schedule's nextRunAt only
 *   moves forward, so an old tick can never come due again and its row guards nothing.
 */
import type { CatchUpPolicy } from "../schedules/cron";
import type { Store } from "../store/connection";
import { dueSchedules, earliestScheduleRun, fireSchedule, pruneScheduleTicks } from "../store/fire-tick";
import { notifyNewWork } from "../store/notify";

/** The longest a due tick waits when no timer was set for it (a schedule created elsewhere). */
export const POLL_MS = 250;
/** Due schedules fired per pass; more go in the next pass, at once. */
const BATCH = 100;
/** A schedule whose tick threw (a bug, or a row edited by hand) is left alone this long. */
const FAILURE_BACKOFF_MS = 30_000;
/** Tick pruning: first shortly after start, then hourly, in small batches. */
const PRUNE_FIRST_MS = 60_000;
const PRUNE_EVERY_MS = 3_600_000;
export interface TickerOptions {
  store: Store;
  policy: CatchUpPolicy;
  log: (message: string, error?: unknown) => void;
  /** Tick records older than this are pruned. */
  retentionDays: number;
}

export interface TickerHandle {
  stop(): void;
}

export function startScheduleTicker(options: TickerOptions): TickerHandle {
  const { store, policy, log } = options;
  const runningSince = Date.now();
  const failedUntil = new Map<string, number>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  async function pass(): Promise<void> {
    timer = null;
    if (stopped) return;
    let delay = POLL_MS;
    try {
      const now = Date.now();
      const due = (await dueSchedules(store, now, BATCH)).filter((id) => (failedUntil.get(id) ?? 0) <= now);
      const woken = new Set<string>();
      let firedAny = false;
      for (const id of due) {
        try {
          const fired = await fireSchedule(store, id, { now, policy, runningSince });
          firedAny ||= fired !== null;
          for (const endpointId of fired?.endpointIds ?? []) woken.add(endpointId);
          failedUntil.delete(id);
        } catch (error) {
          failedUntil.set(id, now + FAILURE_BACKOFF_MS);
          log(`schedule ${id}: could not fire its tick; trying again in ${FAILURE_BACKOFF_MS / 1000} s`, error);
        }
      }
      if (woken.size) notifyNewWork(store, [...woken]);
      if (due.length === BATCH) delay = 0;
      else {
        // Still due after firing: a ticker catching up after a stall goes on at once. Still due
        // without firing: a schedule backing off after a failure, which waits for the poll.
        const earliest = await earliestScheduleRun(store);
        const wait = earliest !== null ? earliest - Date.now() : POLL_MS;
        if (wait > 0) delay = Math.min(POLL_MS, wait);
        else if (firedAny) delay = 0;
      }
    } catch (error) {
      log("looking for due schedules failed", error);
    }
    if (stopped) return;
    timer = setTimeout(() => void pass(), delay);
    timer.unref();
  }

  timer = setTimeout(() => void pass(), 0);
  timer.unref();

  const retentionMs = options.retentionDays * 86_400_000;
  const prune = () => pruneScheduleTicks(store, Date.now() - retentionMs).catch((error) => log("pruning old schedule ticks failed; will try again later", error));
  const firstPrune = setTimeout(prune, PRUNE_FIRST_MS);
  const pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
  firstPrune.unref();
  pruneTimer.unref();

  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      clearTimeout(firstPrune);
      clearInterval(pruneTimer);
    },
  };
}
