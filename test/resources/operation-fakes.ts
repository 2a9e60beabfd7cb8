import type { OfficeSubscription } from "../../provider/csp2";
import { OvhApiError } from "../../provider/ovh/errors";
import type { HttpMethod } from "../../provider/ovh/types";
import type { OperationContext } from "../../provider/resources/operation-context";
import { FakeClock, ScriptedRequester, license, task } from "../csp2/fakes";

/** A scripted licence group for the resources' operation rules: one licence, a clock that moves only when slept on. */

export { task };

export const LICENSE = license(6012, "Microsoft 365 Business Basic");

let groups = 0;

export interface ScriptedGroup {
  serviceName: string;
  requester: ScriptedRequester;
  clock: FakeClock;
  lines: string[];
  ctx: OperationContext;
  /** `"METHOD /saas/csp2/<group><suffix>"`, the key the requester is scripted and recorded with. */
  key(method: HttpMethod, suffix: string): string;
  /** How many requests went to that key. */
  count(method: HttpMethod, suffix: string): number;
}

/** A new group name per test: the licence catalogue is cached per group for the process. */
export function scriptedGroup(): ScriptedGroup {
  const serviceName = `unit-group-${++groups}`;
  const clock = new FakeClock();
  const lines: string[] = [];
  const key = (method: HttpMethod, suffix: string) => `${method} /saas/csp2/${serviceName}${suffix}`;
  const requester = new ScriptedRequester()
    .on(key("GET", "/orderableLicenses"), [LICENSE.id])
    .on(key("GET", `/orderableLicenses/${LICENSE.id}`), LICENSE);
  return {
    serviceName,
    requester,
    clock,
    lines,
    ctx: {
      requester,
      tell: (subject, message) => lines.push(`${subject}: ${message}`),
      polling: { now: clock.now, sleep: clock.sleep },
      now: () => Date.parse("2026-11-30T12:00:00Z"),
    },
    key,
    count: (method, suffix) => requester.keys.filter((k) => k === key(method, suffix)).length,
  };
}

export function subscription(id: number, quantity: number, overrides: Partial<OfficeSubscription> = {}): OfficeSubscription {
  return {
    id,
    licenseId: LICENSE.id,
    quantity,
    status: "ok",
    creationDate: "2026-11-01T10:00:00+01:00",
    lastUpdate: "2026-11-01T10:00:00+01:00",
    taskPendingId: 0,
    ...overrides,
  };
}

/** An OVH error answer in the `{class, message}` shape. */
export function ovhError(status: number, method: HttpMethod, path: string, errorClass: string, message: string): OvhApiError {
  return new OvhApiError({ status, method, path, body: { class: errorClass, message }, queryId: "EU.ext-1.test" });
}

export function notFound(method: HttpMethod, path: string): OvhApiError {
  return ovhError(404, method, path, "Client::NotFound", "The requested object does not exist");
}

/** An answer that throws the error. */
export function fails(error: Error): () => never {
  return () => {
    throw error;
  };
}
