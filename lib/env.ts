/**
 * Hookline's configuration, read from the environment once and validated, so a typo fails at
 * start with a clear message instead of misbehaving later. Nothing else reads process.env.
 */
import { z } from "zod";
import { parseCidrList } from "./webhooks/ssrf-guard";
import { parseDatabaseUrl } from "./store/engine";
import { DEFAULT_RETRY_SCHEDULE, parseDuration, parseRetrySchedule } from "./webhooks/retry-policy";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Text parsed by one of our own parsers, whose error message becomes the validation message. */
function parsedText<T>(fallback: string, parse: (text: string) => T) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      try {
        return parse(text);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    });
}

const schema = z.object({
  /** `file:…` = SQLite (the default), `postgres://…` = PostgreSQL (lib/store/engine.ts). */
  DATABASE_URL: z
    .string()
    .min(1)
    .default("file:./data/hookline.db")
    .superRefine((url, ctx) => {
      try {
        parseDatabaseUrl(url);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: (error as Error).message });
      }
    }),
  /**
   * SQLite's sync mode for ingest and the worker: `full` syncs the WAL at every commit, so an
   * event answered 202 survives a power loss; `normal` survives a process crash only.
   */
  HOOKLINE_SQLITE_SYNCHRONOUS: z.enum(["full", "normal"]).default("full"),
  /** PostgreSQL connections per process (web server or worker), shared by Prisma and the store. */
  HOOKLINE_POSTGRES_POOL_SIZE: positiveInt(10),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Public origin of the dashboard, e.g. https://hooks.example.com (used for Secure cookies). */
  HOOKLINE_PUBLIC_URL: z.url().optional(),
  /** Address ranges the SSRF guard lets through, e.g. `127.0.0.0/8,::1/128`. */
  HOOKLINE_ALLOWED_CIDRS: parsedText("", parseCidrList),
  /**
   * Proxies whose `X-Forwarded-For` tells the client's address (lib/security/client-address.ts):
   * ranges, or `none`. By default only this machine (a reverse proxy beside the server).
   */
  HOOKLINE_TRUSTED_PROXIES: parsedText("127.0.0.0/8,::1/128", (text) => (text.trim() === "none" ? [] : parseCidrList(text))),
  HOOKLINE_RETRY_SCHEDULE: parsedText(DEFAULT_RETRY_SCHEDULE, parseRetrySchedule),
  /** `off` keeps the web server from running deliveries (use `npm run worker` instead). */
  HOOKLINE_WORKER: z.enum(["on", "off"]).default("on"),
  HOOKLINE_ATTEMPT_TIMEOUT_MS: positiveInt(15_000),
  HOOKLINE_RETENTION_DAYS: positiveInt(30),
  /** How often each worker process writes its heartbeat row. */
  HOOKLINE_HEARTBEAT_INTERVAL_MS: positiveInt(5_000),
  /** /api/health answers 503 when no worker's heartbeat is younger than this. */
  HOOKLINE_HEARTBEAT_TIMEOUT_MS: positiveInt(30_000),
  /** Least severe log level written (JSON lines on stdout). */
  HOOKLINE_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** When set, /api/metrics requires `Authorization: Bearer <this>`; unset, it is open. */
  HOOKLINE_METRICS_TOKEN: z.preprocess((value) => (value === "" ? undefined : value), z.string().min(16).optional()),
  /** When set, `npm run worker` serves its own metrics at GET /metrics on this port. */
  HOOKLINE_WORKER_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Deliveries in flight at once, across all endpoints. */
  HOOKLINE_WORKER_CONCURRENCY: positiveInt(256),
  /** Deliveries in flight at once towards one endpoint, so a slow one cannot take every slot. */
  HOOKLINE_ENDPOINT_CONCURRENCY: positiveInt(16),
  /** How long past the attempt timeout a claim stays leased (time to record the outcome). */
  HOOKLINE_LEASE_MARGIN_MS: positiveInt(5_000),
  /** An endpoint failing this long without a success… */
  HOOKLINE_AUTO_DISABLE_AFTER: parsedText("5d", parseDuration),
  /** …and at least this many times in a row is disabled automatically. */
  HOOKLINE_AUTO_DISABLE_MIN_FAILURES: positiveInt(20),
  /** How often the worker looks for due work when nothing woke it. */
  HOOKLINE_POLL_INTERVAL_MS: positiveInt(500),
  /** Schedule ticks missed while no worker ran: `latest` fires the latest of them once, `none` skips them all. */
  HOOKLINE_SCHEDULE_CATCH_UP: z.enum(["latest", "none"]).default("latest"),
  /** On SIGTERM, how long in-flight deliveries may finish before they are released. */
  HOOKLINE_SHUTDOWN_GRACE_MS: positiveInt(5_000),
  /**
   * V8 old-space limit of the server process in MB (scripts/start.mjs passes it to Node). The
   * live heap is ~120 MB; without a limit V8 lets garbage pile up to 500+ MB of RSS under load
   * on a machine with memory to spare.
   */
  HOOKLINE_MAX_HEAP_MB: positiveInt(256),
  /**
   * REST API requests per second allowed for one account, all its API keys together (429 with
   * Retry-After beyond), so creating more keys does not buy more rate.
   */
  HOOKLINE_API_RATE_LIMIT: positiveInt(100),
  /**
   * Bytes of request bodies one client may have in transit at once (lib/api/body-budget.ts): an
   * account, all its keys, sessions and links together, or one address without a credential.
   */
  HOOKLINE_MAX_BODY_BYTES_IN_TRANSIT: positiveInt(16 * 1024 * 1024),
  /** How long a signed-in session lasts. */
  HOOKLINE_SESSION_DAYS: positiveInt(30),
  /** Failed sign-ins allowed per email and per client address within the window below… */
  HOOKLINE_SIGN_IN_MAX_FAILURES: positiveInt(10),
  /** …after which sign-in is refused until the oldest failure is this old. */
  HOOKLINE_SIGN_IN_WINDOW: parsedText("15m", parseDuration),

  // Sharing the worker between accounts (lib/worker/fair-share.ts, circuit-breaker.ts).
  /** Attempts one account may have in flight; unset = half of HOOKLINE_WORKER_CONCURRENCY (at least HOOKLINE_ENDPOINT_CONCURRENCY). */
  HOOKLINE_ACCOUNT_CONCURRENCY: z.coerce.number().int().positive().optional(),
  /** Failed attempts in a row that pause an endpoint (its circuit opens; deliveries wait). */
  HOOKLINE_CIRCUIT_BREAKER_FAILURES: positiveInt(10),
  /** The first pause; later ones grow with how long the endpoint has been failing… */
  HOOKLINE_CIRCUIT_BREAKER_MIN_PAUSE: parsedText("5s", parseDuration),
  /** …up to this. */
  HOOKLINE_CIRCUIT_BREAKER_MAX_PAUSE: parsedText("5m", parseDuration),

  // Quotas per account (SPEC §10); lib/quotas.ts decides, the queries enforce atomically.
  /** Endpoints one account may have (deleted ones do not count). */
  HOOKLINE_MAX_ENDPOINTS: positiveInt(100),
  /** API keys one account may have (revoked ones do not count). */
  HOOKLINE_MAX_API_KEYS: positiveInt(20),
  /** Schedules one account may have. */
  HOOKLINE_MAX_SCHEDULES: positiveInt(50),
  /** Entries of one account's event-type catalog. */
  HOOKLINE_MAX_EVENT_TYPES: positiveInt(200),
  /**
   * Bytes of JSON all of one account's catalog schemas and examples may hold together: every
   * read of the catalog (its list, its OpenAPI document, the dashboard's pages) holds all of it
   * parsed, several times its size. 200 entries of 512 KiB were 100 MB of text.
   */
  HOOKLINE_MAX_CATALOG_BYTES: positiveInt(4 * 1024 * 1024),
  HOOKLINE_MAX_CONSUMERS: positiveInt(1000),
  /**
   * Endpoints one consumer may have for its portal to add another (SPEC §12): a customer holding
   * a portal link cannot take the whole account's HOOKLINE_MAX_ENDPOINTS from the others.
   */
  HOOKLINE_MAX_PORTAL_ENDPOINTS: positiveInt(20),
  /** Changes one consumer's portal may make per minute (forms: test events, retries, rotations, …). */
  HOOKLINE_PORTAL_ACTIONS_PER_MINUTE: positiveInt(60),
  /**
   * Shortest time allowed between two runs of a schedule; 1s (cron's resolution) allows any. At
   * most a day: the check looks eight days ahead (lib/schedules/cron.ts shortestGapMs).
   */
  HOOKLINE_MIN_SCHEDULE_INTERVAL: parsedText("1s", parseDuration).refine((ms) => ms <= 86_400_000, "must be at most 1d"),

  // Accounts and inputs (issue 10): sign-up policy and the bounds of the attempt throttles.
  /** `open`: anyone may sign up; `closed`: no new accounts once one exists (the first can still be made). */
  HOOKLINE_SIGN_UP: z.enum(["open", "closed"]).default("open"),
  /** Sign-ups allowed from one client address within the window below. */
  HOOKLINE_SIGN_UP_MAX_PER_ADDRESS: positiveInt(10),
  HOOKLINE_SIGN_UP_WINDOW: parsedText("1h", parseDuration),
  /** Keys each in-memory throttle (sign-in, sign-up, password checks; SQLite) holds at most; the stalest go first. On PostgreSQL the attempts are rows bounded by their window. */
  HOOKLINE_THROTTLE_MAX_KEYS: positiveInt(50_000),

  // Metrics (issue 10: the scrape rate must not multiply database work)
  /**
   * How old the database figures in /api/metrics (and the worker's /metrics) may be: a scrape
   * reuses the last snapshot until it is this old, so any number of scrapers cost one refresh per
   * interval. 0 reads the database on every scrape.
   */
  HOOKLINE_METRICS_REFRESH_MS: z.coerce.number().int().min(0).default(5_000),

  // PostgreSQL foundations (issue 11)
  /**
   * `npm run db:new-migration` only: a PostgreSQL server (postgres://, a user allowed to CREATE
   * DATABASE) where the PostgreSQL migrations are replayed in a temporary shadow database to diff
   * them against the schema. Unset: a throw-away local cluster is started for it (Debian's
   * postgresql package).
   */
  HOOKLINE_SHADOW_POSTGRES_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
});

export type Env = z.infer<typeof schema>;

function loadEnv(): Env {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n");
    throw new Error(`Invalid Hookline configuration:\n${problems}`);
  }
  return parsed.data;
}

export const env: Env = loadEnv();
