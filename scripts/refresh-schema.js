#!/usr/bin/env node
// @ts-check
/**
 * Refreshes the repository's OVH API schema excerpt (schema/ovh-api-v1-csp2.json) from the API descriptions OVH
 * publishes, keeping exactly the excerpt's paths and the models they reference. Run with --help for the usage.
 */
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const { parseArgs } = require("node:util");
const { DEFAULT_ENDPOINT, RefreshError, defaultSources, formatExcerpt, referencedModelNames, refreshExcerpt } = require("./schema-excerpt");

const DEFAULT_OUT = path.resolve(__dirname, "..", "schema", "ovh-api-v1-csp2.json");
const FETCH_TIMEOUT_MS = 60_000;

/**
 * @typedef {import("./schema-excerpt").Description} Description
 * @typedef {import("./schema-excerpt").Source} Source
 */

const USAGE = `Usage: npm run schema:refresh -- [options] [source...]
       node scripts/refresh-schema.js [options] [source...]

Refreshes the OVH API schema excerpt (schema/ovh-api-v1-csp2.json) from the API descriptions OVH publishes.

A source is a file or an http(s) URL of one published description, e.g.
  https://eu.api.ovh.com/1.0/saas/csp2.json   https://eu.api.ovh.com/1.0/order.json
  https://eu.api.ovh.com/1.0/me.json          https://eu.api.ovh.com/1.0/services.json
  https://eu.api.ovh.com/1.0/auth.json
each {"apis": [{"path", "operations"}], "models": {...}, "basePath", "resourcePath", ...}. Without sources, the
descriptions of the excerpt's sections are fetched from --endpoint.

The excerpt's sections (saasCsp2, orderCart, meOrder, services, auth) keep exactly the paths they already have: each
path is taken whole (every method OVH publishes on it) from the description that publishes the section, together with
the models its operations reference, directly or through other models. Paths the descriptions publish beyond the
excerpt are left out; to use a new one, add its path to the excerpt by hand, then refresh. A description lacking one
of the excerpt's paths, or a model they reference, is refused and nothing is written. The note records the date and
the descriptions used. Keys are sorted, so the same descriptions always give the same file.

Options:
  --out <file>          the excerpt to refresh, whose paths are kept (default: schema/ovh-api-v1-csp2.json)
  --endpoint <url>      where to fetch the descriptions when no source is given (default: ${DEFAULT_ENDPOINT})
  --date <YYYY-MM-DD>   the date recorded in the note (default: today, UTC)
  -h, --help            this help

Then regenerate the client's types and check the client and the simulator against the new excerpt:
  node scripts/generate-models.js
  npx jest test/csp2/models.test.ts test/contract test/simulator/api-schema.test.ts
`;

/**
 * How a source is named in the note: where OVH publishes it when the description says so, else as given.
 * @param {string} given
 * @param {Description} description
 */
function sourceLabel(given, description) {
  const { basePath, resourcePath } = description;
  if (typeof basePath === "string" && typeof resourcePath === "string") return `${basePath.replace(/\/+$/, "")}${resourcePath}.json`;
  return /^https?:\/\//.test(given) ? given : path.basename(given);
}

/**
 * Checks the shape of one published description.
 * @param {unknown} parsed
 * @param {string} given
 * @returns {Description}
 */
function asDescription(parsed, given) {
  const candidate = /** @type {Partial<Description> | null} */ (parsed);
  if (candidate === null || typeof candidate !== "object" || !Array.isArray(candidate.apis) || candidate.models === null || typeof candidate.models !== "object") {
    throw new RefreshError(`${given} is not an OVH API description: it needs "apis" (a list of {path, operations}) and "models", as in ${DEFAULT_ENDPOINT}/order.json`);
  }
  for (const api of candidate.apis) {
    if (typeof api?.path !== "string" || !Array.isArray(api.operations)) {
      throw new RefreshError(`${given} is not an OVH API description: an entry of "apis" has no path or no operations`);
    }
  }
  return /** @type {Description} */ (candidate);
}

/**
 * Reads one source: a file, or an http(s) URL fetched with a timeout.
 * @param {string} given
 * @param {(line: string) => void} log
 * @returns {Promise<Source>}
 */
async function loadSource(given, log) {
  let text;
  if (/^https?:\/\//.test(given)) {
    log(`fetching ${given}`);
    let response;
    try {
      response = await fetch(given, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch (error) {
      throw new RefreshError(`cannot fetch ${given}: ${/** @type {Error} */ (error).cause ?? /** @type {Error} */ (error).message}; check the URL and the network, or download it and give the file`);
    }
    if (!response.ok) throw new RefreshError(`${given} answered HTTP ${response.status}: check the URL (see --help for OVH's)`);
    text = await response.text();
  } else {
    try {
      text = fs.readFileSync(given, "utf8");
    } catch (error) {
      throw new RefreshError(`cannot read ${given}: ${/** @type {Error} */ (error).message}`);
    }
  }
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RefreshError(`${given} is not JSON (${/** @type {Error} */ (error).message}): give OVH's description, e.g. ${DEFAULT_ENDPOINT}/order.json`);
  }
  const description = asDescription(parsed, given);
  return { label: sourceLabel(given, description), description };
}

/** `YYYY-MM-DD` naming a day that exists (not 2026-02-30). */
const isCalendarDate = (/** @type {string} */ text) => /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text)) && new Date(text).toISOString().startsWith(text);

/**
 * @param {string[]} argv
 * @param {{ out: (text: string) => void, err: (text: string) => void, today: () => string }} io
 * @returns {Promise<number>} the exit code
 */
async function main(argv, io) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        endpoint: { type: "string" },
        date: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    io.err(`refresh-schema: ${/** @type {Error} */ (error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const date = values.date ?? io.today();
  if (!isCalendarDate(date)) {
    io.err(`refresh-schema: --date ${date} is not a date: give YYYY-MM-DD, e.g. 2026-12-01\n`);
    return 2;
  }
  const outFile = path.resolve(values.out ?? DEFAULT_OUT);
  const log = (/** @type {string} */ line) => io.out(`${line}\n`);
  try {
    let current;
    try {
      current = JSON.parse(fs.readFileSync(outFile, "utf8"));
    } catch (error) {
      throw new RefreshError(`cannot read the excerpt ${outFile} (${/** @type {Error} */ (error).message}): its paths say what to keep`);
    }
    const endpoint = values.endpoint ?? DEFAULT_ENDPOINT;
    const given = positionals.length > 0 ? positionals : defaultSources(current, endpoint);
    const sources = [];
    for (const source of given) sources.push(await loadSource(source, log));
    const { excerpt, summary } = refreshExcerpt(current, sources, { date, endpoint });
    summary.forEach(log);
    // Written beside the target, then renamed: an interrupted refresh leaves the old excerpt whole.
    const scratch = `${outFile}.${process.pid}.tmp`;
    fs.writeFileSync(scratch, formatExcerpt(excerpt));
    fs.renameSync(scratch, outFile);
    log(`wrote ${path.relative(process.cwd(), outFile)}; now run: node scripts/generate-models.js`);
    return 0;
  } catch (error) {
    if (!(error instanceof RefreshError)) throw error;
    io.err(`refresh-schema: ${error.message}\n`);
    return 1;
  }
}

module.exports = { refreshExcerpt, referencedModelNames, defaultSources, formatExcerpt, main, RefreshError, DEFAULT_OUT, USAGE };

if (require.main === module) {
  main(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    today: () => new Date().toISOString().slice(0, 10),
  }).then((code) => {
    process.exitCode = code;
  });
}
