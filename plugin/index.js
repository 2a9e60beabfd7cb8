// Started by Pulumi's Node.js language host (run-plugin), which hands the engine's address on in process.argv.
require("pulumi-ovh-office365/dist/provider/native/main")
  .serve(process.argv.slice(2))
  .catch((error) => {
    process.stderr.write(`pulumi-resource-ovh-office365: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
