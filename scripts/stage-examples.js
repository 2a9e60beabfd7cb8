#!/usr/bin/env node
"use strict";
// Installs the built package into examples/node_modules, so the example programs (and the repository's Pulumi.yaml)
// import `pulumi-ovh-office365` exactly as a user's program does. Run after `tsc -p tsconfig.build.json`.
const path = require("node:path");

const repoRoot = path.resolve(__dirname, "..");
const examplesDir = path.join(repoRoot, "examples");

let stageProgram;
try {
  ({ stageProgram } = require(path.join(repoRoot, "dist", "pulumi-host", "program-stage.js")));
} catch (error) {
  console.error(`stage-examples: the package is not built (${error.message}). Run \`npm run build\` first.`);
  process.exit(1);
}

stageProgram({ packageRoot: repoRoot, programDir: examplesDir }).then(
  (staged) => {
    const where = path.relative(repoRoot, staged.packageDir);
    console.log(`stage-examples: ${staged.staged ? `installed ${staged.files.length} files into` : "using"} ${where}`);
  },
  (error) => {
    console.error(`stage-examples: ${error.message}`);
    process.exit(1);
  },
);
