import * as http from "node:http";
import * as https from "node:https";
import * as zlib from "node:zlib";
import axios, { AxiosError, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from "axios";
import { getProxyForUrl } from "proxy-from-env";

/** What axios's own http adapter advertises, so servers compress (or not) exactly as before. */
const ACCEPT_ENCODING = "gzip, compress, deflate, br";
const DEFAULT_USER_AGENT = `axios/${axios.VERSION}`;
/** Header values outside what axios leaves untouched (printable ASCII and tab): those take its sanitising path. */
const NEEDS_SANITISING = /[^\x20-\x7e\t]|^[ \t]|[ \t]$/;
const INVALID_BYTE_STRING_CHARS = /[^\t\x20-\x7e\x80-\xff]+/g;

/**
 * An axios adapter straight on `node:http`/`node:https`, for the requests this client sends: an absolute URL,
 * no redirects, a string or Buffer body, a buffered answer. It keeps axios's contract to the letter: the agents
 * of the config (keep-alive pool, CA), `timeout` with `transitional.clarifyTimeoutError` (ETIMEDOUT, else
 * ECONNABORTED), `maxContentLength` (ERR_BAD_RESPONSE), `validateStatus` (ERR_BAD_REQUEST / ERR_BAD_RESPONSE with
 * `error.response`), network and TLS errors carrying Node's own code (ECONNREFUSED, ECONNRESET,
 * DEPTH_ZERO_SELF_SIGNED_CERT…), an answer cut mid-body ("stream has been aborted"), decompression, the BOM strip.
 * Whatever it does not take on (a proxy from the config or the environment, streams, redirects, progress events,
 * cancellation, HTTP/2, a socket path or a custom lookup) goes to axios's own http adapter, unchanged.
 *
 * Why: axios's http adapter spends most of this client's CPU per request (proxy lookup from the environment,
 * header objects rebuilt several times, stream plumbing for every body); this one does what the request needs.
 */
export function createLeanHttpAdapter(fallback: AxiosAdapter = axios.getAdapter("http")): AxiosAdapter {
  // Whether the environment sends an origin through a proxy: read once per origin, as the proxy variables of a
  // running process do not change.
  const proxiedOrigins = new Map<string, boolean>();
  const proxied = (url: URL): boolean => {
    let answer = proxiedOrigins.get(url.origin);
    if (answer === undefined) {
      answer = getProxyForUrl(url.href) !== "";
      proxiedOrigins.set(url.origin, answer);
    }
    return answer;
  };

  return (config) => {
    if (!handledHere(config)) return fallback(config);
    let url: URL;
    try {
      url = new URL(config.url as string);
    } catch {
      return fallback(config);
    }
    if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username !== "" || url.password !== "") return fallback(config);
    if (config.proxy === undefined && proxied(url)) return fallback(config);
    return send(config, url);
  };
}

/** The configurations this adapter serves itself; everything else keeps axios's own adapter. */
function handledHere(config: InternalAxiosRequestConfig): boolean {
  const data: unknown = config.data;
  return (
    config.maxRedirects === 0 &&
    (config.proxy === undefined || config.proxy === false) &&
    typeof config.url === "string" &&
    !config.baseURL &&
    config.params === undefined &&
    config.auth === undefined &&
    config.socketPath == null &&
    config.cancelToken === undefined &&
    config.signal === undefined &&
    config.onUploadProgress === undefined &&
    config.onDownloadProgress === undefined &&
    config.maxRate === undefined &&
    config.lookup === undefined &&
    config.family === undefined &&
    config.transport === undefined &&
    (config.httpVersion === undefined || Number(config.httpVersion) === 1) &&
    config.responseType !== "stream" &&
    config.decompress !== false &&
    (data === undefined || data === null || typeof data === "string" || Buffer.isBuffer(data))
  );
}

function requestHeaders(config: InternalAxiosRequestConfig, body: Buffer | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  let userAgent = false;
  let acceptEncoding = false;
  let contentLength = false;
  for (const [name, raw] of Object.entries(config.headers.toJSON() as Record<string, unknown>)) {
    if (raw === undefined || raw === null || raw === false) continue;
    let value = Array.isArray(raw) ? raw.join(", ") : String(raw);
    if (NEEDS_SANITISING.test(value)) value = value.replace(INVALID_BYTE_STRING_CHARS, "").replace(/^[ \t]+|[ \t]+$/g, "");
    headers[name] = value;
    const lower = name.toLowerCase();
    if (lower === "user-agent") userAgent = true;
    else if (lower === "accept-encoding") acceptEncoding = true;
    else if (lower === "content-length") contentLength = true;
  }
  if (!userAgent) headers["User-Agent"] = DEFAULT_USER_AGENT;
  if (!acceptEncoding) headers["Accept-Encoding"] = ACCEPT_ENCODING;
  if (body !== undefined && !contentLength) headers["Content-Length"] = String(body.length);
  return headers;
}

function bodyOf(data: unknown): Buffer | undefined {
  if (data === undefined || data === null || data === "") return data === "" ? Buffer.alloc(0) : undefined;
  return typeof data === "string" ? Buffer.from(data, "utf8") : (data as Buffer);
}

function maxContentLengthError(config: InternalAxiosRequestConfig, request: http.ClientRequest): AxiosError {
  return new AxiosError(`maxContentLength size of ${config.maxContentLength} exceeded`, AxiosError.ERR_BAD_RESPONSE, config, request);
}

/** Undoes a Content-Encoding axios would have undone; undefined when it would have left the body as it came. */
function decompress(encoding: string, body: Buffer, maxOutputLength: number | undefined): Buffer | undefined {
  const limit = maxOutputLength !== undefined && maxOutputLength > -1 ? { maxOutputLength: maxOutputLength + 1 } : {};
  switch (encoding) {
    case "gzip":
    case "x-gzip":
    case "compress":
    case "x-compress":
      return zlib.unzipSync(body, { finishFlush: zlib.constants.Z_SYNC_FLUSH, ...limit });
    case "deflate": {
      // Raw deflate (no zlib header) gets one, as axios does.
      const wrapped = body.length > 0 && body[0] !== 0x78 ? Buffer.concat([Buffer.from([0x78, 0x9c]), body]) : body;
      return zlib.unzipSync(wrapped, { finishFlush: zlib.constants.Z_SYNC_FLUSH, ...limit });
    }
    case "br":
      return zlib.brotliDecompressSync(body, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH, ...limit });
    default:
      return undefined;
  }
}

function send(config: InternalAxiosRequestConfig, url: URL): Promise<AxiosResponse> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === "https:";
    const body = bodyOf(config.data);
    const maxContentLength = config.maxContentLength ?? -1;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      outcome();
    };
    const fail = (error: AxiosError): void => finish(() => reject(error));

    const options: https.RequestOptions = {
      protocol: url.protocol,
      hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      method: (config.method ?? "get").toUpperCase(),
      headers: requestHeaders(config, body),
      agent: secure ? config.httpsAgent : config.httpAgent,
      insecureHTTPParser: Boolean(config.insecureHTTPParser),
    };
    if (options.agent === undefined) delete options.agent;
    const request = (secure ? https : http).request(options, (response) => {
      if (settled) {
        response.destroy();
        return;
      }
      const headers = response.headers;
      const announced = Number(headers["content-length"]);
      if (maxContentLength > -1 && announced > maxContentLength) {
        response.destroy();
        request.destroy();
        return fail(maxContentLengthError(config, request));
      }
      const answer: AxiosResponse = { data: undefined, status: response.statusCode ?? 0, statusText: response.statusMessage ?? "", headers: headers as AxiosResponse["headers"], config, request };
      const chunks: Buffer[] = [];
      let received = 0;
      response.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
        // Compressed bodies are bounded too (and again once inflated): more than the limit compressed is more inflated.
        if (maxContentLength > -1 && received > maxContentLength) {
          fail(maxContentLengthError(config, request));
          response.destroy();
          request.destroy();
        }
      });
      response.on("aborted", () => {
        const error = new AxiosError("stream has been aborted", AxiosError.ERR_BAD_RESPONSE, config, request, answer);
        fail(error);
        response.destroy(error);
      });
      response.on("error", (error) => fail(AxiosError.from(error, undefined, config, request, answer)));
      response.on("end", () => {
        if (settled) return;
        try {
          let data = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
          const encoding = String(headers["content-encoding"] ?? "").toLowerCase();
          if (encoding !== "" && options.method !== "HEAD" && answer.status !== 204) {
            const inflated = decompress(encoding, data, maxContentLength);
            if (inflated) {
              delete headers["content-encoding"];
              if (maxContentLength > -1 && inflated.length > maxContentLength) return fail(maxContentLengthError(config, request));
              data = inflated;
            }
          } else if (answer.status === 204 || options.method === "HEAD") {
            delete headers["content-encoding"];
          }
          answer.data = toResponseData(data, config);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") return fail(maxContentLengthError(config, request));
          return fail(AxiosError.from(error as Error, undefined, config, request, answer));
        }
        finish(() => settle(resolve, reject, answer));
      });
    });
    request.on("error", (error) => fail(AxiosError.from(error, undefined, config, request)));

    const timeout = config.timeout ?? 0;
    if (timeout > 0) {
      timer = setTimeout(() => {
        const clarify = config.transitional?.clarifyTimeoutError === true;
        fail(new AxiosError(config.timeoutErrorMessage || `timeout of ${timeout}ms exceeded`, clarify ? AxiosError.ETIMEDOUT : AxiosError.ECONNABORTED, config, request));
        request.destroy();
      }, timeout);
    }
    request.end(body);
  });
}

function toResponseData(data: Buffer, config: InternalAxiosRequestConfig): unknown {
  if (config.responseType === "arraybuffer") return data;
  const encoding = (config.responseEncoding ?? "utf8") as BufferEncoding;
  const text = data.toString(encoding);
  const stripsBom = !config.responseEncoding || config.responseEncoding === "utf8";
  return stripsBom && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** axios's `settle`: resolves, or rejects with the response attached when `validateStatus` refuses the status. */
function settle(resolve: (response: AxiosResponse) => void, reject: (error: AxiosError) => void, response: AxiosResponse): void {
  const validateStatus = response.config.validateStatus;
  if (!response.status || !validateStatus || validateStatus(response.status)) {
    resolve(response);
    return;
  }
  const code = response.status >= 400 && response.status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE;
  reject(new AxiosError(`Request failed with status code ${response.status}`, code, response.config, response.request, response));
}
