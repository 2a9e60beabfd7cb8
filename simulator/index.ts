import { unlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { randomBytes } from "crypto";
import { SimulatorAdmin, type AddLicenseGroupRequest } from "./admin";
import { AdminHttp } from "./admin-http";
import { Authenticator, DEFAULT_CREDENTIALS, type SimulatorCredentials } from "./auth";
import { FaultInjector } from "./faults";
import { Account } from "./model/account";
import { createState, DEMO_SEED, EMPTY_SEED, type SeedLicenseGroup, type SeedSpec } from "./model/seed";
import type { LicenseState } from "./model/state";
import { DEFAULT_VARIANTS, pickVariants, type VariantSettings } from "./model/variants";
import { RequestLog, type RequestLogEntry } from "./request-log";
import { SimulatorRuntime } from "./runtime";
import { ADMIN_BASE_PATH, API_BASE_PATH, OAUTH2_TOKEN_PATH, SimulatorServer } from "./server";
import { StateFile } from "./state-file";
import { generateTls } from "./tls";

export { SimulatorAdmin } from "./admin";
export type { AdminSubscription, AdminTask, AddLicenseGroupRequest, SimulatorSettings, StartTaskRequest } from "./admin";
export { SimulatorAdminError } from "./admin-error";
export { DEFAULT_CREDENTIALS, signatureOf } from "./auth";
export type { AccessRule, CredentialStatus, RequestIdentity, SimulatorCredentials } from "./auth";
export type { ActiveFault, FaultRule } from "./faults";
export type { TaskFaultRule } from "./model/account";
export { LIST_MODES, type ListMode } from "./list-mode";
export { DEMO_SEED, EMPTY_SEED } from "./model/seed";
export type { SeedLicenseGroup, SeedSpec, SeedSubscription } from "./model/seed";
export type { LicenseState, SimulatorState, TaskFunction } from "./model/state";
export { DEFAULT_VARIANTS, VARIANT_NAMES } from "./model/variants";
export type { VariantName, VariantSettings } from "./model/variants";
export { RequestLog } from "./request-log";
export type { RequestLogEntry, RequestLogFigures } from "./request-log";

// The earlier "licence" spellings of the type names above, so code written with them keeps compiling.
/** @deprecated Use AddLicenseGroupRequest. */
export type AddLicenceGroupRequest = AddLicenseGroupRequest;
/** @deprecated Use SeedLicenseGroup. */
export type SeedLicenceGroup = SeedLicenseGroup;
/** @deprecated Use LicenseState. */
export type LicenceState = LicenseState;

/** Also takes each behaviour OVH does not publish (`VariantSettings`, see simulator/README.md); defaults in DEFAULT_VARIANTS. */
/** Microsoft's seat-decrease window after a seat increase, in hours, unless `seatDecreaseWindowHours` says otherwise. */
export const DEFAULT_SEAT_DECREASE_WINDOW_HOURS = 168;

export interface SimulatorOptions extends Partial<VariantSettings> {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Serve HTTPS with a certificate from a CA generated at start. */
  tls?: boolean;
  /** With `tls`: where to write the CA certificate (PEM). Default: a temporary file removed by `close()`. */
  caOut?: string;
  /** Accepted credentials; each one not given keeps its default (DEFAULT_CREDENTIALS). */
  credentials?: Partial<SimulatorCredentials>;
  /** Account to start with when there is no state file: the demo reseller (default), an empty one, or your own. */
  seed?: "demo" | "empty" | SeedSpec;
  /** JSON file holding the account, shared with other simulator processes; created from the seed when missing. */
  stateFile?: string;
  /** Duration of a CSP2 task (default 1000 ms). */
  taskDurationMs?: number;
  /** Duration of a paid order's delivery (default 3 × taskDurationMs). */
  orderDurationMs?: number;
  /** Microsoft's seat-decrease window (default 168 hours). */
  seatDecreaseWindowHours?: number;
  /** Largest accepted distance between a signed request's timestamp and OVH's clock (default 180 s). */
  timestampWindowSeconds?: number;
  /** Lifetime of OAuth2 access tokens (default 3600 s). */
  tokenLifetimeSeconds?: number;
  /** Called for each completed API request (e.g. to print it). */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Called with unexpected errors (default: printed to stderr). */
  onInternalError?: (error: unknown) => void;
}

export interface RunningSimulator {
  /** Base URL of the API, ending in `/1.0` (give it as OVH_ENDPOINT). */
  endpoint: string;
  /** Scheme, host and port. */
  origin: string;
  /** OAuth2 client-credentials token URL (`<origin>/auth/oauth2/token`). */
  tokenUrl: string;
  /** Base URL of the admin API (`<origin>/_simulator`). */
  adminUrl: string;
  port: number;
  /** With TLS: the CA certificate file, for NODE_EXTRA_CA_CERTS. */
  caFile?: string;
  caCertPem?: string;
  credentials: SimulatorCredentials;
  admin: SimulatorAdmin;
  requestLog: RequestLog;
  close(): Promise<void>;
}

export class SimulatorOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SimulatorOptionsError";
  }
}

function checkNumber(value: number | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new SimulatorOptionsError(`${name} must be a number between ${min} and ${max}, got ${JSON.stringify(value)}`);
  }
}

function resolveSeed(seed: SimulatorOptions["seed"]): SeedSpec {
  if (seed === undefined || seed === "demo") return DEMO_SEED;
  if (seed === "empty") return EMPTY_SEED;
  if (typeof seed !== "object" || !Array.isArray(seed.groups)) {
    throw new SimulatorOptionsError(`seed must be "demo", "empty" or an object with a groups array, got ${JSON.stringify(seed)}`);
  }
  return seed;
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone: nothing to clean.
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  checkNumber(options.port, "port", 0, 65535);
  checkNumber(options.taskDurationMs, "taskDurationMs", 0);
  checkNumber(options.orderDurationMs, "orderDurationMs", 0);
  checkNumber(options.seatDecreaseWindowHours, "seatDecreaseWindowHours", 0);
  checkNumber(options.timestampWindowSeconds, "timestampWindowSeconds", 0);
  checkNumber(options.tokenLifetimeSeconds, "tokenLifetimeSeconds", 1);
  const credentials: SimulatorCredentials = { ...DEFAULT_CREDENTIALS };
  for (const [key, value] of Object.entries(options.credentials ?? {})) {
    if (value === undefined) continue;
    if (typeof value !== "string" || value.trim() === "") throw new SimulatorOptionsError(`credentials.${key} must be a non-empty string`);
    credentials[key as keyof SimulatorCredentials] = value;
  }
  const picked = pickVariants(options as Record<string, unknown>);
  if ("problem" in picked) throw new SimulatorOptionsError(picked.problem);
  const seed = resolveSeed(options.seed);
  const taskDurationMs = options.taskDurationMs ?? 1000;

  const stateFile = options.stateFile ? new StateFile(options.stateFile) : undefined;
  const state = stateFile?.exists() ? stateFile.read() : createState(seed, Date.now());
  const account = new Account(
    state,
    {
      taskDurationMs,
      orderDurationMs: options.orderDurationMs ?? 3 * taskDurationMs,
      seatDecreaseWindowHours: options.seatDecreaseWindowHours ?? DEFAULT_SEAT_DECREASE_WINDOW_HOURS,
      ...DEFAULT_VARIANTS,
      ...picked.variants,
    },
    Date.now,
  );
  const faults = new FaultInjector();
  const requestLog = new RequestLog();
  let runtime: SimulatorRuntime | undefined;
  const auth = new Authenticator({
    credentials,
    timestampWindowSeconds: options.timestampWindowSeconds ?? 180,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
    serverNow: () => runtime?.serverNow() ?? Date.now(),
    tokensValidAfter: () => account.state.tokensValidAfter,
  });
  runtime = new SimulatorRuntime({ account, auth, faults, log: requestLog, seed, stateFile });
  if (stateFile && !stateFile.exists()) stateFile.write(account.state);

  const admin = new SimulatorAdmin(runtime);
  const tls = options.tls ? await generateTls() : undefined;
  let caFile: string | undefined;
  let temporaryCaFile = false;
  if (tls) {
    caFile = options.caOut ?? join(tmpdir(), `ovh-simulator-ca-${process.pid}-${randomBytes(4).toString("hex")}.pem`);
    temporaryCaFile = options.caOut === undefined;
    writeFileSync(caFile, tls.caCertPem);
  }

  const server = new SimulatorServer({
    runtime,
    adminHttp: new AdminHttp(admin, requestLog),
    tls,
    onInternalError: options.onInternalError ?? ((error) => console.error("OVH simulator internal error:", error)),
    onRequestLogged: options.onRequest,
  });
  const host = options.host ?? "127.0.0.1";
  let port: number;
  try {
    port = await server.listen(options.port ?? 0, host);
  } catch (error) {
    // A port already in use is routine (a second simulator): leave no temporary CA file behind.
    if (caFile && temporaryCaFile) removeQuietly(caFile);
    throw error;
  }
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
  const origin = `${tls ? "https" : "http"}://${urlHost}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    endpoint: `${origin}${API_BASE_PATH}`,
    origin,
    tokenUrl: `${origin}${OAUTH2_TOKEN_PATH}`,
    adminUrl: `${origin}${ADMIN_BASE_PATH}`,
    port,
    caFile,
    caCertPem: tls?.caCertPem,
    credentials,
    admin,
    requestLog,
    close: () => {
      closing ??= server.close().then(() => {
        if (caFile && temporaryCaFile) removeQuietly(caFile);
      });
      return closing;
    },
  };
}

/**
 * Environment variables that point OVH's tools (and this project's client) at a running simulator with
 * one authentication method; with TLS, NODE_EXTRA_CA_CERTS makes a new Node process trust its CA.
 */
export function simulatorEnvironment(
  simulator: Pick<RunningSimulator, "endpoint" | "credentials" | "caFile">,
  auth: "applicationKey" | "oauth2" | "accessToken" = "applicationKey",
): Record<string, string> {
  const env: Record<string, string> = { OVH_ENDPOINT: simulator.endpoint };
  const c = simulator.credentials;
  if (auth === "applicationKey") {
    Object.assign(env, { OVH_APPLICATION_KEY: c.applicationKey, OVH_APPLICATION_SECRET: c.applicationSecret, OVH_CONSUMER_KEY: c.consumerKey });
  } else if (auth === "oauth2") {
    Object.assign(env, { OVH_CLIENT_ID: c.clientId, OVH_CLIENT_SECRET: c.clientSecret });
  } else {
    env.OVH_ACCESS_TOKEN = c.accessToken;
  }
  if (simulator.caFile) env.NODE_EXTRA_CA_CERTS = simulator.caFile;
  return env;
}
