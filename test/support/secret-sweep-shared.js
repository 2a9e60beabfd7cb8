"use strict";
// What the secret sweep in the test workers (secret-sweep.ts) and its reporter in jest's main process
// (secret-sweep-reporter.js) must agree on. Plain JavaScript, because the reporter is loaded without ts-jest.
const { createHmac } = require("node:crypto");

/** The reporter hands the run's record directory and digest key to the workers through these variables. */
const SWEEP_DIR_ENV = "OVH_OFFICE365_SECRET_SWEEP_DIR";
const SWEEP_KEY_ENV = "OVH_OFFICE365_SECRET_SWEEP_KEY";

/** Access tokens the simulator issues through its OAuth2 endpoint (`ovhsim.<payload>.<mac>`): found by their shape. */
const ISSUED_TOKEN_NAME = "OAuth2 access token issued by the simulator";
const ISSUED_TOKEN_PATTERN = /ovhsim\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;

const CONTEXT_CHARS = 30;
// Rolling-hash modulus: products of two residues stay below 2^53, so plain numbers compute it exactly.
const MODULUS = 1_000_003;

function issuedTokens(text) {
  return [...text.matchAll(ISSUED_TOKEN_PATTERN)].map((match) => ({ start: match.index, end: match.index + match[0].length, secret: ISSUED_TOKEN_NAME }));
}

function rollingBase(key) {
  return (parseInt(key.slice(0, 8), 16) % (MODULUS - 2)) + 2;
}

function fingerprintOf(text, base) {
  let hash = 0;
  for (let index = 0; index < text.length; index++) hash = (hash * base + text.charCodeAt(index)) % MODULUS;
  return hash;
}

function hmac(key, text) {
  return createHmac("sha256", key).update(text).digest("hex").slice(0, 32);
}

/**
 * What the reporter gets to know of a needle: its length, a keyed rolling-hash fingerprint to find candidate positions
 * fast, and a keyed HMAC to confirm them. Neither gives the value back.
 */
function digestNeedle(key, secret, text) {
  return { secret, length: text.length, fingerprint: fingerprintOf(text, rollingBase(key)), digest: hmac(key, text) };
}

/** Occurrences of digested needles in `text`: a rolling hash per needle length, an HMAC where the fingerprint matches. */
function findDigests(text, digests, key) {
  const base = rollingBase(key);
  const byLength = new Map();
  for (const needle of digests) {
    if (!byLength.has(needle.length)) byLength.set(needle.length, new Map());
    const byFingerprint = byLength.get(needle.length);
    if (!byFingerprint.has(needle.fingerprint)) byFingerprint.set(needle.fingerprint, []);
    byFingerprint.get(needle.fingerprint).push(needle);
  }
  const found = [];
  for (const [length, byFingerprint] of byLength) {
    if (length > text.length) continue;
    let highest = 1;
    for (let index = 1; index < length; index++) highest = (highest * base) % MODULUS;
    let hash = fingerprintOf(text.slice(0, length), base);
    for (let start = 0; ; start++) {
      const candidates = byFingerprint.get(hash);
      if (candidates) {
        const window = text.slice(start, start + length);
        const digest = hmac(key, window);
        const needle = candidates.find((candidate) => candidate.digest === digest);
        if (needle) found.push({ start, end: start + length, secret: needle.secret });
      }
      if (start + length >= text.length) break;
      const leaving = (text.charCodeAt(start) * highest) % MODULUS;
      hash = (((hash - leaving + MODULUS) % MODULUS) * base + text.charCodeAt(start + length)) % MODULUS;
    }
  }
  return found;
}

/** One occurrence per stretch of text, however many needles (forms of a secret) matched there. */
function mergeOverlaps(found) {
  const merged = [];
  for (const occurrence of [...found].sort((a, b) => a.start - b.start || b.end - a.end)) {
    const last = merged[merged.length - 1];
    if (last && occurrence.start < last.end) last.end = Math.max(last.end, occurrence.end);
    else merged.push({ ...occurrence });
  }
  return merged;
}

/** The text around an occurrence with every occurrence in it named instead of shown, never cutting one in half. */
function redactedContext(text, occurrence, all) {
  let from = Math.max(0, occurrence.start - CONTEXT_CHARS);
  let to = Math.min(text.length, occurrence.end + CONTEXT_CHARS);
  for (const other of all) {
    if (other.start < from && other.end > from) from = other.start;
    if (other.start < to && other.end > to) to = other.end;
  }
  let context = "";
  let position = from;
  for (const other of all) {
    if (other.end <= from || other.start >= to) continue;
    context += text.slice(position, other.start) + `[${other.secret}]`;
    position = other.end;
  }
  context += text.slice(position, to);
  return JSON.stringify(context).slice(1, -1);
}

module.exports = {
  SWEEP_DIR_ENV,
  SWEEP_KEY_ENV,
  ISSUED_TOKEN_NAME,
  issuedTokens,
  digestNeedle,
  findDigests,
  mergeOverlaps,
  redactedContext,
};
