/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "ts-jest" },
  testTimeout: 120000,
  maxWorkers: 2,
  // The whole-suite secret sweep: figures per surface at the end, and a failed run on any known secret found.
  reporters: ["default", "<rootDir>/test/support/secret-sweep-reporter.js"],
};
