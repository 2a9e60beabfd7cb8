// Lets a child `node -r <this file> some.ts` run the TypeScript sources directly (transpiled, not type-checked),
// so CLI tests do not depend on a build in dist/. Transpiled files are cached by content, so only the first
// start pays for loading the compiler.
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");

const cacheDir = path.join(os.tmpdir(), "ovh-office365-transpiled");
let ts;

function transpile(source, filename) {
  ts ??= require("typescript");
  return ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
  }).outputText;
}

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const key = crypto.createHash("sha256").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(cacheDir, `${key}.js`);
  let output;
  try {
    output = fs.readFileSync(cached, "utf8");
  } catch {
    output = transpile(source, filename);
    fs.mkdirSync(cacheDir, { recursive: true });
    const temporary = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, output);
    fs.renameSync(temporary, cached);
  }
  module._compile(output, filename);
};
