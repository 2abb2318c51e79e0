/**
 * A hostile uploader over a raw TCP socket: sends a request whose body is chunked (no
 * content-length) and as large as asked, reading the answer while it sends, so a test can tell
 * how much the server took before answering and whether it ever took the whole body; or sends
 * only the start of a body and waits for the answer (sendPartOfBody). fetch cannot tell either:
 * it gives up on the request as soon as the server stops reading.
 */
import { readFileSync } from "node:fs";
import net from "node:net";

export interface UploadOutcome {
  /** The answer's status, or null when none arrived. */
  status: number | null;
  /** Answer headers, lower-cased names. */
  headers: Record<string, string>;
  body: string;
  /** Body bytes written by the client when the answer's first byte arrived (null: no answer). */
  sentBeforeAnswer: number | null;
  /** Body bytes the client managed to write in all (the kernel's buffers included). */
  sent: number;
  /** Whether the whole body, final chunk included, was written: the server took all of it. */
  sentAll: boolean;
}

export interface Upload {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** Bytes sent first (e.g. the start of a multipart body), then filler up to `bytes`. */
  prelude?: Buffer;
  bytes: number;
  /** How long a write may wait for the server to read before the upload counts as stalled. */
  stallMs?: number;
}

const CHUNK = Buffer.alloc(64 * 1024, "x");

function parseAnswer(raw: Buffer): Pick<UploadOutcome, "status" | "headers" | "body"> {
  const text = raw.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  if (end === -1) return { status: null, headers: {}, body: "" };
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1]), headers, body: raw.subarray(end + 4).toString("utf8") };
}

export async function uploadChunked(origin: string, upload: Upload): Promise<UploadOutcome> {
  const { port, hostname } = new URL(origin);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const received: Buffer[] = [];
  let sent = 0;
  let sentBeforeAnswer: number | null = null;
  socket.on("data", (data: Buffer) => {
    sentBeforeAnswer ??= sent;
    received.push(data);
  });
  socket.on("error", () => {}); // a reset or EPIPE ends the upload; what matters is what arrived
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const head = [`${upload.method ?? "POST"} ${upload.path} HTTP/1.1`, `host: ${new URL(origin).host}`, "transfer-encoding: chunked"];
  for (const [name, value] of Object.entries(upload.headers ?? {})) head.push(`${name}: ${value}`);
  socket.write(`${head.join("\r\n")}\r\n\r\n`);

  const writeChunk = (bytes: Buffer) => socket.write(Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n")]));
  const wait = (ms: number) => new Promise<"stalled">((resolve) => setTimeout(() => resolve("stalled"), ms).unref());
  let sentAll = false;
  let next: Buffer | null = upload.prelude ?? null;
  while (!socket.destroyed) {
    if (sent >= upload.bytes) {
      socket.write("0\r\n\r\n");
      sentAll = true;
      break;
    }
    const bytes = next ?? CHUNK.subarray(0, Math.min(CHUNK.length, upload.bytes - sent));
    next = null;
    const flushed = writeChunk(bytes);
    sent += bytes.length;
    if (!flushed) {
      const outcome = await Promise.race([new Promise<"drained">((resolve) => socket.once("drain", () => resolve("drained"))), closed.then(() => "closed" as const), wait(upload.stallMs ?? 2_000)]);
      if (outcome !== "drained") break;
    }
  }
  // The answer, once complete (or whatever arrived before the server closed).
  await Promise.race([closed, wait(5_000), new Promise<void>((resolve) => {
    const check = () => {
      const answer = parseAnswer(Buffer.concat(received));
      const length = Number(answer.headers["content-length"] ?? NaN);
      if (answer.status !== null && Buffer.byteLength(answer.body) >= length) resolve();
    };
    check();
    socket.on("data", check);
  })]);
  socket.destroy();
  return { ...parseAnswer(Buffer.concat(received)), sentBeforeAnswer, sent, sentAll: sentAll && !socket.errored };
}

export interface PartialUpload {
  method?: string;
  /** The request target exactly as sent: a path, or an absolute URL (absolute-form). */
  target: string;
  headers?: Record<string, string>;
  /** The length the request declares (content-length); without one the body is chunked. */
  contentLength?: number;
  /** Body bytes sent (one chunk, when chunked); the rest of the body, and a chunked body's end, are never sent. */
  send: number;
  /** How long to wait for an answer before counting it as none (status null). Not a time limit on the server: a deadline for the test. */
  patienceMs?: number;
}

export interface PartialOutcome extends Pick<UploadOutcome, "status" | "headers" | "body"> {
  /** Body bytes sent: the server answered (if it did) while the client still held the rest. */
  sent: number;
}

/**
 * Sends a request with only the start of its body and waits, holding the rest back, for an
 * answer: a server that refuses a body it must not read answers now; one that waits for the
 * whole body never does (status null after `patienceMs`).
 */
export async function sendPartOfBody(origin: string, upload: PartialUpload): Promise<PartialOutcome> {
  const { socket, received } = await startPartialUpload(origin, upload);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, upload.patienceMs ?? 15_000);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    socket.once("close", done);
    socket.on("data", () => {
      const answer = parseAnswer(Buffer.concat(received));
      if (answer.status !== null && Buffer.byteLength(answer.body) >= Number(answer.headers["content-length"] ?? NaN)) done();
    });
  });
  socket.destroy();
  return { ...parseAnswer(Buffer.concat(received)), sent: upload.send };
}

/** Connects and sends the request's head and the start of its body (sendPartOfBody's first half). */
async function startPartialUpload(origin: string, upload: PartialUpload): Promise<{ socket: net.Socket; received: Buffer[] }> {
  const { port, hostname, host } = new URL(origin);
  const socket = net.connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  const received: Buffer[] = [];
  socket.on("data", (data: Buffer) => received.push(data));
  socket.on("error", () => {}); // a reset after the answer changes nothing
  const chunked = upload.contentLength === undefined;
  const head = [`${upload.method ?? "POST"} ${upload.target} HTTP/1.1`, `host: ${host}`, chunked ? "transfer-encoding: chunked" : `content-length: ${upload.contentLength}`];
  for (const [name, value] of Object.entries(upload.headers ?? {})) head.push(`${name}: ${value}`);
  socket.write(`${head.join("\r\n")}\r\n\r\n`);
  if (upload.send > 0) {
    const body = Buffer.alloc(upload.send, "x");
    // One chunk, never the last (a zero-size chunk would end the body).
    socket.write(chunked ? Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from("\r\n")]) : body);
  }
  return { socket, received };
}

/**
 * An upload left stalled (sendPartOfBody without the wait): the head and the start of the body
 * are sent, the rest never is, and the connection stays open until `close()`. `answer()` is what
 * the server has answered so far (status null: nothing, the body is still being waited for).
 */
export async function stallUpload(origin: string, upload: PartialUpload): Promise<{ answer(): PartialOutcome; close(): void }> {
  const { socket, received } = await startPartialUpload(origin, upload);
  return { answer: () => ({ ...parseAnswer(Buffer.concat(received)), sent: upload.send }), close: () => socket.destroy() };
}

/** Resident memory of a process, in bytes (Linux). */
export function residentBytes(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;
}

/**
 * Bytes a process has read through read()-like system calls, sockets included (Linux
 * /proc/<pid>/io `rchar`, all its threads): across an upload, about how much of the body the
 * server took in (plus the little its database reads add).
 */
export function bytesReadBy(pid: number): number {
  return Number(/^rchar:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"))![1]);
}

/** The pid of the process that serves HTTP: the one child of `node scripts/start.mjs`. */
export function serverPid(startPid: number): number {
  const children = readFileSync(`/proc/${startPid}/task/${startPid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  if (children.length !== 1) throw new Error(`expected one child of ${startPid}, found ${children.join(",") || "none"}`);
  return Number(children[0]);
}
