import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import * as ts from "typescript";
import { createOvhClient, isNotTlsAnswer, OvhNetworkError, OvhTlsError } from "../../provider/ovh";
import { expectedSignature, selfSignedCertificate, sendJson, startTestServer, withAuthTime, type TestServer } from "./test-server";

describe("TLS", () => {
  let pems: { key: string; cert: string };
  let server: TestServer;
  beforeAll(async () => {
    pems = await selfSignedCertificate();
  });
  beforeEach(async () => {
    server = await startTestServer(withAuthTime((_req, res) => sendJson(res, 200, { secure: true })), pems);
  });
  afterEach(() => server.close());

  it("talks HTTPS to a server whose CA is given with the ca option, signing the https URL", async () => {
    const client = createOvhClient({ endpoint: server.baseUrl, applicationKey: "ak", applicationSecret: "as", consumerKey: "ck", env: {}, ca: pems.cert });
    await expect(client.request({ method: "GET", path: "/me" })).resolves.toEqual({ secure: true });
    expect(server.requests.map((r) => r.url)).toEqual(["/1.0/auth/time", "/1.0/me"]);
    expect(server.origin).toMatch(/^https:/);
    expect(server.requests[1].headers["x-ovh-signature"]).toBe(expectedSignature("as", "ck", server.requests[1], server.origin));
  });

  it("refuses a certificate it does not trust, without retrying, and says how to trust a private CA", async () => {
    const client = createOvhClient({ endpoint: server.baseUrl, accessToken: "token", env: {}, sleep: async () => undefined });
    const error = await client.request({ method: "GET", path: "/me" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OvhTlsError);
    expect(error).toBeInstanceOf(OvhNetworkError);
    expect((error as OvhTlsError).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    expect((error as Error).message).toContain("NODE_EXTRA_CA_CERTS");
    expect((error as Error).message).toContain(`127.0.0.1:${server.port}`);
    expect(server.requests).toHaveLength(0);
  });

  it("keeps verifying in a process started with NODE_TLS_REJECT_UNAUTHORIZED=0", async () => {
    // Jest gives each test file its own copy of process.env, so the variable must be set on a real process.
    const outDir = transpileClient();
    const script = `
      const https = require("node:https");
      const { createOvhClient } = require(${JSON.stringify(path.join(outDir, "provider/ovh/index.js"))});
      const url = ${JSON.stringify(server.baseUrl)};
      (async () => {
        const plain = await new Promise((resolve) => https.get(url + "/auth/time", { agent: false }, (res) => { res.resume(); resolve(res.statusCode); }).on("error", (e) => resolve(e.code)));
        const ours = await createOvhClient({ endpoint: url, accessToken: "t", env: {} }).request({ method: "GET", path: "/me" }).then(() => "accepted", (e) => e.name);
        console.log(JSON.stringify({ plain, ours }));
      })();`;
    let stdout: string;
    try {
      ({ stdout } = await execFileAsync(process.execPath, ["-e", script], {
        cwd: repoRoot,
        env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: "0", NODE_NO_WARNINGS: "1" },
      }));
    } finally {
      fs.rmSync(outDir, { recursive: true, force: true });
    }
    // The plain request proves the variable took effect in that process; the client ignored it.
    expect(JSON.parse(stdout.trim())).toEqual({ plain: 200, ours: "OvhTlsError" });
  });

  it("refuses a certificate signed by another CA than the one given", async () => {
    const client = createOvhClient({ endpoint: server.baseUrl, accessToken: "token", env: {}, ca: (await selfSignedCertificate()).cert });
    await expect(client.request({ method: "GET", path: "/me" })).rejects.toBeInstanceOf(OvhTlsError);
  });

  it("reports an https:// URL answered in plain HTTP as a protocol failure, not as a refused certificate, without retrying", async () => {
    const plain = await startTestServer((_req, res) => sendJson(res, 200, {}));
    try {
      const client = createOvhClient({ endpoint: plain.baseUrl.replace(/^http:/, "https:"), accessToken: "token", env: {}, sleep: async () => undefined });
      const error = await client.request({ method: "GET", path: "/me" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OvhNetworkError);
      expect(error).not.toBeInstanceOf(OvhTlsError);
      expect(isNotTlsAnswer((error as OvhNetworkError).code)).toBe(true);
      expect((error as OvhNetworkError).attempts).toBe(1);
    } finally {
      await plain.close();
    }
  });

  it("refuses a trusted certificate issued for another host name", async () => {
    const otherName = await selfSignedCertificate([{ type: 2, value: "api.example.test" }]);
    const other = await startTestServer((_req, res) => sendJson(res, 200, {}), otherName);
    try {
      const client = createOvhClient({ endpoint: other.baseUrl, accessToken: "token", env: {}, ca: otherName.cert });
      const error = await client.request({ method: "GET", path: "/me" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OvhTlsError);
      expect((error as OvhTlsError).code).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
    } finally {
      await other.close();
    }
  });
});

const execFileAsync = promisify(execFile);
const repoRoot = path.resolve(__dirname, "../..");

/** Transpiles the client's sources to JavaScript under the repository's .tmp, so a plain node process can load them. */
function transpileClient(): string {
  fs.mkdirSync(path.join(repoRoot, ".tmp"), { recursive: true });
  const outDir = fs.mkdtempSync(path.join(repoRoot, ".tmp", "ovh-client-"));
  const sources = ["provider/version.ts", ...fs.readdirSync(path.join(repoRoot, "provider/ovh")).filter((f) => f.endsWith(".ts")).map((f) => `provider/ovh/${f}`)];
  for (const source of sources) {
    const { outputText } = ts.transpileModule(fs.readFileSync(path.join(repoRoot, source), "utf8"), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const target = path.join(outDir, source.replace(/\.ts$/, ".js"));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, outputText);
  }
  return outDir;
}
