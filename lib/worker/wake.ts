/**
 * @deprecated Transitional (issue 11): wake-ups moved to lib/store/notify.ts (lib/<domain> must
 * not import lib/worker). Kept until every caller is ported.
 */
import { store } from "../store/connection";
import { notifyNewWork as notify } from "../store/notify";

export function notifyNewWork(endpointIds: string[]): void {
  notify(store(), endpointIds);
}
