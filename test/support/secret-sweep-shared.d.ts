/** Types of secret-sweep-shared.js (plain JavaScript, shared with the jest reporter). */

export const SWEEP_DIR_ENV: string;
export const SWEEP_KEY_ENV: string;
export const ISSUED_TOKEN_NAME: string;

/** A stretch of text holding a secret, named by `secret` (e.g. "consumerKey (base64)"). */
export interface Occurrence {
  start: number;
  end: number;
  secret: string;
}

/** A needle as the reporter receives it: enough to recognise the secret in text, not to recover it. */
export interface NeedleDigest {
  secret: string;
  length: number;
  fingerprint: number;
  digest: string;
}

export function issuedTokens(text: string): Occurrence[];
export function digestNeedle(key: string, secret: string, text: string): NeedleDigest;
export function findDigests(text: string, digests: readonly NeedleDigest[], key: string): Occurrence[];
export function mergeOverlaps(found: readonly Occurrence[]): Occurrence[];
export function redactedContext(text: string, occurrence: Occurrence, all: readonly Occurrence[]): string;
