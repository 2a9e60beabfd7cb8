import { CliConfigError, EndpointUnreachableError, UnknownLicenseGroupError, describeFailure, renderFailure } from "../../provider/cli/commands/command-support";
import {
  MISSING_CREDENTIALS_MESSAGE,
  adviceFor,
  asSentence,
  attemptedUrl,
  endpointSource,
  forCliEndpoint,
  hasCredentialVariable,
  ovhAnswerSentence,
  retryProgressLine,
} from "../../provider/cli/commands/failure-text";
import { TaskTimeoutError } from "../../provider/csp2";
import { formatDuration } from "../../provider/durations";
import { OvhApiError, OvhConfigError, OvhNetworkError, OvhTlsError, resolveEndpoint, type OvhRetryEvent } from "../../provider/ovh";

function apiError(status: number, body: { errorCode?: string; class?: string; message?: string }, queryId?: string): OvhApiError {
  return new OvhApiError({ status, method: "GET", path: "/saas/csp2", body, queryId });
}

/** Settings only the Pulumi provider reads: the CLI must never send a person to them. */
const PULUMI_ONLY = [/ovh:/, /Pulumi config/i, /stack config/i, /\boptions?\b/];

describe("asSentence", () => {
  it.each([
    ["This application key is invalid", "This application key is invalid."],
    ["  Invalid signature. ", "Invalid signature."],
    ["Is the service suspended?", "Is the service suspended?"],
    ["", ""],
  ])("%j => %j", (text, sentence) => {
    expect(asSentence(text)).toBe(sentence);
  });
});

describe("OVH's answer and the advice", () => {
  it("keeps OVH's message a sentence of its own, then the advice, then the query id", () => {
    const failure = describeFailure(apiError(403, { errorCode: "INVALID_KEY", message: "This application key is invalid" }, "EU.ext-1.abc"));
    expect(failure.exitCode).toBe(1);
    expect(failure.sentences).toEqual([
      "OVH API GET /saas/csp2 failed: 403 INVALID_KEY: This application key is invalid.",
      expect.stringContaining("OVH_APPLICATION_KEY"),
      "OVH query id EU.ext-1.abc: quote it to OVH support.",
    ]);
    expect(failure.message).toContain("This application key is invalid. The application key is unknown for this endpoint");
    expect(failure.json.error).toMatchObject({
      kind: "ovhApi",
      status: 403,
      errorCode: "INVALID_KEY",
      ovhMessage: "This application key is invalid",
      advice: failure.sentences[1],
      queryId: "EU.ext-1.abc",
    });
  });

  it("prints the first sentence after the program's name and each further one on its own line", () => {
    const text = renderFailure(describeFailure(apiError(400, { errorCode: "INVALID_SIGNATURE", message: "Invalid signature" }, "EU.q")));
    expect(text.split("\n")).toEqual([
      "ovh-office365: OVH API GET /saas/csp2 failed: 400 INVALID_SIGNATURE: Invalid signature.",
      "  Check that OVH_APPLICATION_SECRET and OVH_CONSUMER_KEY belong to OVH_APPLICATION_KEY.",
      "  OVH query id EU.q: quote it to OVH support.",
      "",
    ]);
  });

  it("names OVH's class when there is no error code, and leaves out advice it does not have", () => {
    const failure = describeFailure(apiError(409, { class: "Client::Conflict", message: "A task is pending" }));
    expect(failure.sentences).toEqual(["OVH API GET /saas/csp2 failed: 409 Client::Conflict: A task is pending."]);
    expect(failure.json.error.advice).toBeUndefined();
    expect(ovhAnswerSentence(apiError(502, {}))).toBe("OVH API GET /saas/csp2 failed: 502: HTTP 502.");
  });

  it.each([
    [403, "INVALID_KEY", ["OVH_APPLICATION_KEY", "OVH_ENDPOINT", "region"]],
    [400, "INVALID_SIGNATURE", ["OVH_APPLICATION_SECRET", "OVH_CONSUMER_KEY"]],
    [403, "INVALID_CREDENTIAL", ["OVH_CONSUMER_KEY", "create a new one"]],
    [401, "INVALID_CREDENTIAL", ["OVH_ACCESS_TOKEN"]],
    [403, "NOT_GRANTED_CALL", ["access rule"]],
    [400, "QUERY_TIME_OUT", ["clock"]],
  ])("%i %s: the advice names what to check", (status, errorCode, words) => {
    const advice = adviceFor({ status, errorCode });
    for (const word of words) expect(advice).toContain(word);
    for (const pulumiOnly of PULUMI_ONLY) expect(advice).not.toMatch(pulumiOnly);
  });

  it.each([
    [429, "OVH_MAX_REQUESTS_PER_SECOND"],
    [460, "renew it"],
    [503, "retry later"],
  ])("HTTP %i without a known code gets advice by status", (status, words) => {
    expect(adviceFor({ status })).toContain(words);
  });

  it("has no advice for an answer it knows nothing about", () => {
    expect(adviceFor({ status: 404, errorClass: "Client::NotFound" })).toBeUndefined();
  });
});

describe("requests that got no answer", () => {
  const endpoint = resolveEndpoint("ovh-eu");

  it("were sent to the endpoint's base URL, or to the OAuth2 token URL for a token request", () => {
    expect(attemptedUrl(endpoint, { method: "GET", path: "/saas/csp2" })).toBe("https://eu.api.ovh.com/1.0");
    expect(attemptedUrl(endpoint, { method: "POST", path: "/auth/oauth2/token" })).toBe("https://www.ovh.com/auth/oauth2/token");
    const local = resolveEndpoint("http://127.0.0.1:8480/1.0");
    expect(attemptedUrl(local, { method: "POST", path: "/auth/oauth2/token" })).toBe("http://127.0.0.1:8480/auth/oauth2/token");
  });

  it("name the endpoint, where it came from, the request, and what to do", () => {
    const failure = describeFailure(
      new EndpointUnreachableError("https://eu.api.ovh.com/1.0", "from OVH_ENDPOINT", new OvhNetworkError("GET", "/saas/csp2", "ECONNREFUSED", "connect refused")),
    );
    expect(failure.exitCode).toBe(1);
    expect(failure.sentences).toEqual([
      "Could not reach OVH at https://eu.api.ovh.com/1.0 (from OVH_ENDPOINT).",
      "GET /saas/csp2 got no answer (ECONNREFUSED).",
      "Check the endpoint and the network, then run the command again.",
    ]);
    expect(failure.json.error).toMatchObject({ kind: "network", endpoint: "https://eu.api.ovh.com/1.0" });
  });

  it("say how many attempts over how long, and for a timeout how long each waited and the variable that sets it", () => {
    const timedOut = new OvhNetworkError("GET", "/auth/time", "ETIMEDOUT", "timeout of 2000ms exceeded", { attempts: 5, elapsedMs: 17_240, requestTimeoutMs: 2000 });
    const failure = describeFailure(new EndpointUnreachableError("http://127.0.0.1:8499/1.0", "from --endpoint", timedOut));
    expect(failure.sentences).toEqual([
      "Could not reach OVH at http://127.0.0.1:8499/1.0 (from --endpoint).",
      "GET /auth/time got no answer (ETIMEDOUT).",
      "Tried 5 times over 17 s, each attempt waiting 2 s for an answer.",
      "OVH_REQUEST_TIMEOUT_MS sets how long each attempt waits, in milliseconds.",
      "Check the endpoint and the network, then run the command again.",
    ]);
    expect(failure.exitCode).toBe(1);

    const refused = new OvhNetworkError("GET", "/saas/csp2", "ECONNREFUSED", "connect refused", { attempts: 5, elapsedMs: 3_400, requestTimeoutMs: 30_000 });
    const refusedFailure = describeFailure(new EndpointUnreachableError("http://127.0.0.1:9/1.0", "from OVH_ENDPOINT", refused));
    expect(refusedFailure.sentences[2]).toBe("Tried 5 times over 3.4 s.");
    expect(refusedFailure.message).not.toContain("OVH_REQUEST_TIMEOUT_MS");
  });

  it("suggest http:// when an https:// URL got a handshake that is not TLS, and https:// when an http:// one was reset", () => {
    const plainHttp = describeFailure(
      new EndpointUnreachableError("https://127.0.0.1:8480/1.0", "from OVH_ENDPOINT", new OvhNetworkError("GET", "/auth/time", "EPROTO", "wrong version number", { attempts: 1, elapsedMs: 5, requestTimeoutMs: 30_000 })),
    );
    expect(plainHttp.sentences).toContain(
      "The TLS handshake failed: the server may speak plain HTTP (e.g. a simulator started without --tls). Try the same URL with http://, which the CLI allows for 127.0.0.1, ::1 and localhost only.",
    );
    expect(plainHttp.message).not.toContain("Tried");

    const tlsServer = describeFailure(
      new EndpointUnreachableError("http://127.0.0.1:8480/1.0", "from OVH_ENDPOINT", new OvhNetworkError("GET", "/auth/time", "ECONNRESET", "socket hang up", { attempts: 5, elapsedMs: 4000, requestTimeoutMs: 30_000 })),
    );
    expect(tlsServer.message).toContain("If the server speaks HTTPS (e.g. a simulator started with --tls), use https://");
    expect(tlsServer.message).toContain("NODE_EXTRA_CA_CERTS");
  });

  it("while retrying, print what failed (for a timeout, how long the attempt waited) and which attempt comes next", () => {
    const event = (failure: Partial<OvhRetryEvent>): OvhRetryEvent => ({
      method: "GET",
      path: "/auth/time",
      attempt: 1,
      durationMs: 30_004,
      nextAttempt: 2,
      maxAttempts: 5,
      delayMs: 250,
      ...failure,
    });
    const url = "http://127.0.0.1:8499/1.0";
    expect(retryProgressLine(event({ networkErrorCode: "ETIMEDOUT" }), url)).toBe("No answer from http://127.0.0.1:8499/1.0 after 30 s; trying again (attempt 2 of 5)…");
    expect(retryProgressLine(event({ networkErrorCode: "ETIMEDOUT", durationMs: 1_503 }), url)).toBe(
      "No answer from http://127.0.0.1:8499/1.0 after 1.5 s; trying again (attempt 2 of 5)…",
    );
    expect(retryProgressLine(event({ networkErrorCode: "ECONNRESET", nextAttempt: 3 }), url)).toBe(
      "GET /auth/time to http://127.0.0.1:8499/1.0 got no answer (ECONNRESET); trying again (attempt 3 of 5)…",
    );
    expect(retryProgressLine(event({ status: 503 }), url)).toBe("OVH answered 503 to GET /auth/time; trying again (attempt 2 of 5)…");
  });

  it.each([
    [250, "250 ms"],
    [2000, "2 s"],
    [2500, "2.5 s"],
    [17_240, "17 s"],
    [60_200, "1 min"],
    [90_000, "1 min 30 s"],
    [120_000, "2 min"],
    [156_400, "2 min 36 s"],
  ])("formatDuration(%i) => %j, the one format of every duration the package prints", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("a task timeout prints its duration as a retry line does", () => {
    const task = { id: 7, function: "changeQuantity", status: "doing" } as const;
    expect(new TaskTimeoutError("csp2-a", task, 2_500, 60_000).message).toContain('is still "doing" after 2.5 s.');
    expect(new TaskTimeoutError("csp2-a", task, 90_000, 60_000).message).toContain('is still "doing" after 1 min 30 s.');
  });

  it("keep the explanation of a refused TLS certificate", () => {
    const tls = new OvhTlsError("GET", "/saas/csp2", "SELF_SIGNED_CERT_IN_CHAIN", "127.0.0.1:8443");
    const failure = describeFailure(new EndpointUnreachableError("https://127.0.0.1:8443/1.0", "from --endpoint", tls));
    expect(failure.sentences[1]).toBe(tls.message);
    expect(failure.message).toContain("NODE_EXTRA_CA_CERTS");
  });

  it("say where the endpoint came from", () => {
    expect(endpointSource("ovh-ca", { OVH_ENDPOINT: "ovh-eu" })).toBe("--endpoint");
    expect(endpointSource(undefined, { OVH_ENDPOINT: "ovh-ca" })).toBe("OVH_ENDPOINT");
    expect(endpointSource(undefined, { OVH_ENDPOINT: "" })).toBe("default");
    expect(endpointSource(undefined, {})).toBe("default");
  });
});

describe("an unknown licence group", () => {
  const notFound = (serviceName: string) =>
    new OvhApiError({ status: 404, method: "GET", path: `/saas/csp2/${serviceName}`, body: { class: "Client::NotFound", message: "The requested object does not exist" } });

  it("says service names are case-sensitive, offers the name in lower case when it has capitals, and exits 1", () => {
    const upper = describeFailure(new UnknownLicenseGroupError("CSP2-5C7E2D10", notFound("CSP2-5C7E2D10")));
    expect(upper.exitCode).toBe(1);
    expect(upper.json.error.kind).toBe("unknownLicenceGroup");
    expect(upper.json.error.advice).toBe(
      "List the account's groups with `ovh-office365 groups` and give the service name exactly as shown: service names are case-sensitive " +
        '(try "csp2-5c7e2d10"). Check OVH_ENDPOINT (or --endpoint) too: a group lives in one region.',
    );
    const lower = describeFailure(new UnknownLicenseGroupError("nope", notFound("nope")));
    expect(lower.json.error.advice).toContain("service names are case-sensitive.");
    expect(lower.json.error.advice).not.toContain("try");
  });
});

describe("configuration errors", () => {
  it("name the one setting the CLI took the endpoint from", () => {
    let clientMessage = "";
    try {
      resolveEndpoint("ovh-mars");
    } catch (error) {
      clientMessage = (error as OvhConfigError).message;
    }
    expect(clientMessage).toContain("ovh:endpoint");
    expect(forCliEndpoint(clientMessage, "OVH_ENDPOINT")).toMatch(/^OVH_ENDPOINT = "ovh-mars" is neither a known endpoint nor a URL/);
    expect(forCliEndpoint(clientMessage, "--endpoint")).toMatch(/^--endpoint = "ovh-mars"/);
    for (const pulumiOnly of PULUMI_ONLY) expect(forCliEndpoint(clientMessage, "OVH_ENDPOINT")).not.toMatch(pulumiOnly);
  });

  it("missing credentials: names the environment variables only, and exits 2", () => {
    for (const name of ["OVH_APPLICATION_KEY", "OVH_APPLICATION_SECRET", "OVH_CONSUMER_KEY", "OVH_CLIENT_ID", "OVH_CLIENT_SECRET", "OVH_ACCESS_TOKEN"]) {
      expect(MISSING_CREDENTIALS_MESSAGE).toContain(name);
    }
    for (const pulumiOnly of PULUMI_ONLY) expect(MISSING_CREDENTIALS_MESSAGE).not.toMatch(pulumiOnly);
    expect(describeFailure(new CliConfigError(MISSING_CREDENTIALS_MESSAGE))).toMatchObject({ exitCode: 2, json: { error: { kind: "configuration" } } });
  });

  it("an empty variable counts as unset, as the client reads it", () => {
    expect(hasCredentialVariable({ OVH_APPLICATION_KEY: "", OVH_ENDPOINT: "ovh-eu" })).toBe(false);
    expect(hasCredentialVariable({ OVH_ACCESS_TOKEN: "t" })).toBe(true);
  });
});
