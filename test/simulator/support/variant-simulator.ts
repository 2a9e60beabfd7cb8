import { DEFAULT_VARIANTS, startSimulator, type AdminSubscription, type AdminTask, type RunningSimulator } from "../../../simulator";
import { ovhCall, ovhOk, waitFor, type HttpAnswer } from "./ovh-http";

export interface OfficeTask {
  id: number;
  function: string;
  status: string;
  finishDate: string | null;
}

export interface OfficeSubscription {
  id: number;
  licenseId: number;
  quantity: number;
  status: string;
  taskPendingId: number;
}

/** The demo account's group the variant tests work on, and its API path. */
export const ACME = "csp2-1f4a7c92";
export const ACME_PATH = `/saas/csp2/${ACME}`;
export const TASK_MS = 100;

export const message = (answer: HttpAnswer): string => (answer.body as { message: string }).message;

export interface VariantSimulator {
  readonly sim: RunningSimulator;
  task(id: number): Promise<HttpAnswer>;
  taskList(): Promise<number[]>;
  subscription(id: number): Promise<OfficeSubscription>;
  subscriptionIds(): Promise<number[]>;
  /** Waits for a task to end through the admin API, which sees every task whatever `finishedTasks` says. */
  untilEnded(id: number): Promise<AdminTask>;
  licenseId(name: string): number;
  acmeSubscription(licenseName: string): AdminSubscription;
}

/** One simulator for a file of variant tests; each test starts from the demo account and the default variants. */
export function variantSimulator(): VariantSimulator {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ taskDurationMs: TASK_MS });
  });
  afterAll(() => sim.close());
  beforeEach(() => {
    sim.admin.reset();
    // reset() keeps settings: each test starts from the defaults and chooses its variant.
    sim.admin.setSettings({ ...DEFAULT_VARIANTS, taskDurationMs: TASK_MS });
  });

  return {
    get sim() {
      return sim;
    },
    task: (id) => ovhCall(sim, { path: `${ACME_PATH}/task/${id}` }),
    taskList: () => ovhOk<number[]>(sim, { path: `${ACME_PATH}/task` }),
    subscription: (id) => ovhOk<OfficeSubscription>(sim, { path: `${ACME_PATH}/subscription/${id}` }),
    subscriptionIds: () => ovhOk<number[]>(sim, { path: `${ACME_PATH}/subscription` }),
    untilEnded: (id) =>
      waitFor(
        () => {
          const t = sim.admin.tasks(ACME).find((candidate) => candidate.id === id);
          return t && !["todo", "doing"].includes(t.status) ? t : undefined;
        },
        10_000,
        `task ${id} to end`,
      ),
    licenseId(name) {
      const license = sim.admin.licences().find((l) => l.name === name);
      if (!license) throw new Error(`the demo catalogue has ${name}`);
      return license.id;
    },
    acmeSubscription(licenseName) {
      const found = sim.admin.subscriptions(ACME).find((s) => s.licenseName === licenseName);
      if (!found) throw new Error(`the demo account has ${licenseName} in ${ACME}`);
      return found;
    },
  };
}
