/** proxy-from-env ships no types: the one function this package uses. */
declare module "proxy-from-env" {
  /** The proxy URL the *_PROXY and NO_PROXY environment variables give for `url`, or "" for none. */
  export function getProxyForUrl(url: string | URL, env?: NodeJS.ProcessEnv): string;
}
