/**
 * How the worker's free attempt slots are shared out: between accounts first, then between each
 * account's endpoints. Pure: the worker passes in what it holds, this returns what to claim.
 *
 * Rules:
 * - Accounts with due work are served in order of how few attempts they have in flight (the
 *   emptiest first, ties in round-robin order), each getting an equal part of the slots still free
 *   when its turn comes; what an account cannot use flows on to the next ones.
 * - No account holds more than `accountConcurrency` slots, so an account whose endpoints hang
 *   (every attempt waits for its timeout) leaves the rest to the others however many endpoints it
 *   has; no endpoint holds more than `endpointConcurrency`.
 * - Inside an account, its endpoints split the account's part the same way, in round-robin order.
 * - A busy endpoint is only topped up once `minClaim` of its slots are free (claiming a few rows
 *   costs nearly as much as claiming many); an idle one is served at once.
 */

export interface FairShareLimits {
  concurrency: number;
  accountConcurrency: number;
  endpointConcurrency: number;
  minClaim: number;
}

export interface ActiveEndpoint {
  endpointId: string;
  accountId: string;
}

export interface SlotRequest {
  endpointId: string;
  limit: number;
}

export function planFairClaims(
  active: ActiveEndpoint[],
  inFlight: { total: number; byAccount: ReadonlyMap<string, number>; byEndpoint: ReadonlyMap<string, number> },
  limits: FairShareLimits,
): SlotRequest[] {
  let room = limits.concurrency - inFlight.total;
  if (room <= 0) return [];

  const accounts = new Map<string, string[]>();
  for (const { endpointId, accountId } of active) {
    const busy = inFlight.byEndpoint.get(endpointId) ?? 0;
    if (busy !== 0 && limits.endpointConcurrency - busy < limits.minClaim) continue;
    if ((inFlight.byAccount.get(accountId) ?? 0) >= limits.accountConcurrency) continue;
    const endpoints = accounts.get(accountId);
    if (endpoints) endpoints.push(endpointId);
    else accounts.set(accountId, [endpointId]);
  }
  // Stable sort: equal in-flight counts keep their round-robin order.
  const order = [...accounts.keys()].sort((a, b) => (inFlight.byAccount.get(a) ?? 0) - (inFlight.byAccount.get(b) ?? 0));

  const requests: SlotRequest[] = [];
  order.forEach((accountId, index) => {
    if (room <= 0) return;
    const accountRoom = Math.min(
      Math.ceil(room / (order.length - index)),
      limits.accountConcurrency - (inFlight.byAccount.get(accountId) ?? 0),
    );
    let left = accountRoom;
    const endpoints = accounts.get(accountId)!;
    endpoints.forEach((endpointId, at) => {
      if (left <= 0) return;
      const limit = Math.min(Math.ceil(left / (endpoints.length - at)), limits.endpointConcurrency - (inFlight.byEndpoint.get(endpointId) ?? 0));
      if (limit <= 0) return;
      requests.push({ endpointId, limit });
      left -= limit;
    });
    room -= accountRoom - left;
  });
  return requests;
}
