import type { Authenticator } from "./auth";
import type { FaultInjector } from "./faults";
import type { Account } from "./model/account";
import { deliverDueOrders } from "./model/orders";
import type { SeedSpec } from "./model/seed";
import type { RequestLog } from "./request-log";
import type { StateFile } from "./state-file";

/** Everything the HTTP server and the admin API share. */
export class SimulatorRuntime {
  readonly account: Account;
  readonly auth: Authenticator;
  readonly faults: FaultInjector;
  readonly log: RequestLog;
  readonly seed: SeedSpec;
  readonly stateFile: StateFile | undefined;
  /** How far OVH's clock is from the real one: shifts `/auth/time` and the signature timestamp check. */
  clockSkewMs = 0;

  constructor(init: { account: Account; auth: Authenticator; faults: FaultInjector; log: RequestLog; seed: SeedSpec; stateFile?: StateFile }) {
    this.account = init.account;
    this.auth = init.auth;
    this.faults = init.faults;
    this.log = init.log;
    this.seed = init.seed;
    this.stateFile = init.stateFile;
  }

  serverNow(): number {
    return Date.now() + this.clockSkewMs;
  }

  /** Brings the state up to date: another process's changes first, then tasks and orders that are due. */
  sync(): void {
    if (this.stateFile?.changedOnDisk()) {
      if (this.stateFile.exists()) this.account.replaceState(this.stateFile.read());
      else this.account.markChanged();
    }
    this.account.endDueTasks();
    deliverDueOrders(this.account);
  }

  /** Writes the state file when something changed. */
  commit(): void {
    if (this.account.takeChanged() && this.stateFile) this.stateFile.write(this.account.state);
  }

  /** Runs a change between `sync` and `commit`. */
  transact<T>(change: () => T): T {
    this.sync();
    try {
      return change();
    } finally {
      this.commit();
    }
  }
}
