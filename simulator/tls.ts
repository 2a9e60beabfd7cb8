import { generate } from "selfsigned";

export interface SimulatorTls {
  /** PEM of the CA that signed the server certificate: trust it with NODE_EXTRA_CA_CERTS or a client `ca` option. */
  caCertPem: string;
  key: string;
  cert: string;
}

/** A throw-away CA and a server certificate for 127.0.0.1, ::1 and localhost, valid for 30 days. */
export async function generateTls(): Promise<SimulatorTls> {
  const notBeforeDate = new Date(Date.now() - 60 * 60_000);
  const notAfterDate = new Date(Date.now() + 30 * 24 * 3_600_000);
  const ca = await generate([{ name: "commonName", value: "OVH API simulator local CA" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  return { caCertPem: ca.cert, key: server.private, cert: server.cert };
}
