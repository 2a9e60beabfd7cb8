import { STATUS_CODES } from "http";

/** An answer the simulator sends instead of a result, in one of OVH's two error body shapes. */
export class OvhHttpError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) {
    super(typeof body.message === "string" ? body.message : `HTTP ${status}`);
    this.name = "OvhHttpError";
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/** `{"class":"Client::NotFound","message":…}`: the shape of most API errors. */
export function classError(status: number, errorClass: string, message: string, details?: Record<string, unknown>): OvhHttpError {
  return new OvhHttpError(status, details ? { class: errorClass, message, details } : { class: errorClass, message });
}

/** `{"errorCode":"INVALID_SIGNATURE","httpCode":"400 Bad Request","message":…}`: the shape of authentication errors. */
export function codeError(status: number, errorCode: string, message: string): OvhHttpError {
  return new OvhHttpError(status, { errorCode, httpCode: `${status} ${STATUS_CODES[status] ?? ""}`.trim(), message });
}

export function invalidUrl(): OvhHttpError {
  return classError(404, "Client::NotFound", "Got an invalid (or empty) URL");
}

export function objectNotFound(param: string, value: string | number): OvhHttpError {
  return classError(404, "Client::NotFound", `The requested object (${param} = ${value}) does not exist`);
}

export function badRequest(message: string, details?: Record<string, unknown>): OvhHttpError {
  return classError(400, "Client::BadRequest", message, details);
}

export function forbidden(message: string, details?: Record<string, unknown>): OvhHttpError {
  return classError(403, "Client::Forbidden", message, details);
}

export function conflict(message: string, details?: Record<string, unknown>): OvhHttpError {
  return classError(409, "Client::Conflict", message, details);
}
