// Preloaded with `node --require` into a process whose HTTP requests a test counts (see request-sends.ts): for each
// request the process hands to a socket, appends "<epoch ms> <method> <host:port>" to the file OVH_TEST_SEND_LOG
// names. Nothing else: no path, header or body, so no secret.
"use strict";
const { subscribe } = require("node:diagnostics_channel");
const { appendFileSync } = require("node:fs");
const { performance } = require("node:perf_hooks");

const file = process.env.OVH_TEST_SEND_LOG;
if (file) {
  subscribe("http.client.request.start", ({ request }) => {
    appendFileSync(file, `${performance.timeOrigin + performance.now()} ${request.method} ${request.getHeader("host")}\n`);
  });
}
