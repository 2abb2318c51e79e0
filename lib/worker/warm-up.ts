/**
 * Warms the delivery path before the server says it is running. Code runs cold at first (each
 * function parsed and compiled on its first call, then interpreted until it has run often), and
 * in the first second after a start each delivery cost several times its steady-state CPU, so
 * the first webhooks after a deploy waited hundreds of milliseconds (issue 12).
 *
 * Here the real code (webhook body, signatures, undici and its HTTP parser, Node's HTTP server
 * and sockets) sends ROUNDS signed requests to a sink on loopback that this process opens for
 * the purpose and closes after: nothing is stored, counted or logged, and nothing leaves the
 * process. It runs in the copy of these modules the worker uses (Next bundles its own).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ClaimedDelivery } from "../store/claim-due";
import { generateSigningSecret } from "../webhooks/sign";
import { parseCidrList } from "../webhooks/ssrf-guard";
import { attemptDelivery } from "./dispatch";

const ROUNDS = 300;
const PARALLEL = 16;

export async function warmUpDeliveryPath(timeoutMs: number): Promise<void> {
  const sink = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => response.end());
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  const { port } = sink.address() as AddressInfo;
  const now = Date.now();
  const delivery: ClaimedDelivery = {
    id: "dlv_warm_up",
    userId: "usr_warm_up",
    eventId: "msg_warm_up",
    endpointId: "ep_warm_up",
    attempts: 1,
    eventType: "hookline.warm_up",
    payload: `{"warm":"up","at":${now}}`,
    eventCreatedAt: now,
    url: `http://127.0.0.1:${port}/warm-up`,
    headers: "{}",
    secret: generateSigningSecret(),
    previousSecret: null,
    previousSecretUntil: null,
    endpointFailing: false,
    ordered: false,
  };
  // Only this sink is reachable for these requests; the worker's own policy is untouched.
  const network = { allowedCidrs: parseCidrList("127.0.0.1/32") };
  try {
    let left = ROUNDS;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (left-- > 0) await attemptDelivery(delivery, { timeoutMs, network });
      }),
    );
  } finally {
    sink.closeAllConnections();
    await new Promise((resolve) => sink.close(resolve));
  }
}
