/** A refused admin call (unknown group, bad fault rule…); the admin HTTP API answers it with `status`. */
export class SimulatorAdminError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.name = "SimulatorAdminError";
    this.status = status;
  }
}
