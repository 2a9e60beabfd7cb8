import * as fs from "node:fs";
import * as path from "node:path";

/**
 * "fixture-counter": a tiny dynamic-provider package written into a program's node_modules at test time, to drive
 * the real host with a provider shaped like this project's (one-line delegates in the exported object, the work in
 * another module of the package). Counters live in a JSON file in the host's working directory (the program
 * directory), read at every call, so they survive a host restart and a test can change them "out of band".
 *
 * Config "<project>:configureFails" makes configure() throw that message.
 * Inputs that steer it: `name` (a change replaces), `count` (a whole number, a change updates), `delayMs` (create
 * waits, printing a line first), `failCheck` / `failCreate` (throw that message), `failAfterCreate` (throw after the
 * counter exists, reporting it as partially created), `readWithoutInputs`, `updateReturnsNothing`.
 */
export const FIXTURE_PACKAGE = "fixture-counter";
export const FIXTURE_EXPORT = "counterProvider";
/** The counters file, relative to the program directory. */
export const FIXTURE_STATE_FILE = "fixture-counters.json";
/** Appears only in the implementation module: finding it in `__provider` would mean the code was inlined. */
export const IMPLEMENTATION_MARKER = "fixture-counter implementation module";

export interface CounterState {
  nextId: number;
  counters: Record<string, { name: string; count: number }>;
  /** One entry per call of the provider's configure(): what it read from the stack config. */
  configured: Array<{ endpoint: string | null; applicationSecret: string | null; label: string | null }>;
}

const INDEX_JS = `"use strict";
const impl = require("./impl");
exports.${FIXTURE_EXPORT} = {
  configure: (request) => impl.configure(request),
  check: (olds, news) => impl.check(olds, news),
  diff: (id, olds, news) => impl.diff(id, olds, news),
  create: (inputs) => impl.create(inputs),
  read: (id, props) => impl.read(id, props),
  update: (id, olds, news) => impl.update(id, olds, news),
  delete: (id, props) => impl.delete(id, props),
};
`;

const IMPL_JS = `"use strict";
// ${IMPLEMENTATION_MARKER}
const fs = require("fs");
const path = require("path");

function statePath() {
  return path.join(process.cwd(), "${FIXTURE_STATE_FILE}");
}
function load() {
  try {
    return JSON.parse(fs.readFileSync(statePath(), "utf8"));
  } catch (error) {
    if (error.code === "ENOENT") return { nextId: 1, counters: {}, configured: [] };
    throw error;
  }
}
function save(state) {
  fs.writeFileSync(statePath(), JSON.stringify(state, null, 2));
}
function outputs(inputs) {
  return { name: inputs.name, count: inputs.count, step: inputs.step };
}

exports.configure = async (request) => {
  const failure = request.config.get("configureFails");
  if (failure) throw new Error(failure);
  const state = load();
  state.configured.push({
    endpoint: request.config.get("ovh:endpoint") ?? null,
    applicationSecret: request.config.get("ovh:applicationSecret") ?? null,
    label: request.config.get("label") ?? null,
  });
  save(state);
};

exports.check = async (olds, news) => {
  if (news.failCheck) throw new Error(news.failCheck);
  const failures = [];
  if (!Number.isInteger(news.count) || news.count < 0) {
    failures.push({ property: "count", reason: "count must be a whole number >= 0, got " + JSON.stringify(news.count) });
  }
  return { inputs: { ...news, step: news.step ?? 1 }, failures };
};

exports.diff = async (id, olds, news) => {
  const replaces = olds.name !== news.name ? ["name"] : [];
  return { changes: replaces.length > 0 || olds.count !== news.count, replaces, deleteBeforeReplace: replaces.length > 0 };
};

exports.create = async (inputs) => {
  if (inputs.delayMs) {
    console.log("creating " + inputs.name + ": waiting " + inputs.delayMs + " ms");
    await new Promise((resolve) => setTimeout(resolve, inputs.delayMs));
  }
  if (inputs.failCreate) throw new Error(inputs.failCreate);
  const state = load();
  const id = "counter-" + state.nextId++;
  state.counters[id] = { name: inputs.name, count: inputs.count };
  save(state);
  if (inputs.failAfterCreate) {
    const error = new Error(inputs.failAfterCreate);
    error.id = id;
    error.properties = outputs(inputs);
    error.reasons = ["counter did not become ready"];
    throw error;
  }
  console.log("created " + id + " for " + inputs.name);
  return { id, outs: outputs(inputs) };
};

exports.read = async (id, props) => {
  const live = load().counters[id];
  if (!live) return { props: {} };
  const current = outputs({ ...props, ...live });
  return props.readWithoutInputs ? { id, props: current } : { id, props: current, inputs: current };
};

exports.update = async (id, olds, news) => {
  const state = load();
  if (!state.counters[id]) throw new Error("counter " + id + " does not exist: refresh, then run again");
  state.counters[id].count = news.count;
  save(state);
  if (news.updateReturnsNothing) return undefined;
  return { outs: outputs(news) };
};

exports.delete = async (id) => {
  const state = load();
  delete state.counters[id];
  save(state);
};
`;

/** Writes the fixture package into `programDir/node_modules/fixture-counter`. */
export function writeFixtureCounter(programDir: string): void {
  const packageDir = path.join(programDir, "node_modules", FIXTURE_PACKAGE);
  fs.mkdirSync(packageDir, { recursive: true });
  fs.writeFileSync(
    path.join(packageDir, "package.json"),
    JSON.stringify({ name: FIXTURE_PACKAGE, version: "1.0.0", main: "index.js" }, null, 2),
  );
  fs.writeFileSync(path.join(packageDir, "index.js"), INDEX_JS);
  fs.writeFileSync(path.join(packageDir, "impl.js"), IMPL_JS);
}

export function readCounterState(programDir: string): CounterState {
  return JSON.parse(fs.readFileSync(path.join(programDir, FIXTURE_STATE_FILE), "utf8")) as CounterState;
}

/** Changes counters as someone outside Pulumi would. */
export function editCounterState(programDir: string, edit: (state: CounterState) => void): void {
  const state = readCounterState(programDir);
  edit(state);
  fs.writeFileSync(path.join(programDir, FIXTURE_STATE_FILE), JSON.stringify(state, null, 2));
}
