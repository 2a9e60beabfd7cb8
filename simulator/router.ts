import { API_ROUTES, type ApiMethod, type RouteSpec } from "./api-schema";

interface CompiledRoute {
  spec: RouteSpec;
  /** Literal segment text, or the parameter name when `isParam`. */
  segments: { text: string; isParam: boolean }[];
  literalCount: number;
}

export type RouteMatch =
  /** `pathParams` are decoded but not yet converted to their type (done after authentication). */
  | { kind: "found"; route: RouteSpec; pathParams: Record<string, string> }
  | { kind: "wrongMethod"; path: string; allowed: ApiMethod[] }
  | { kind: "notFound" };

/** Finds the schema route for a path below `/1.0`; literal segments win over placeholders. */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(routes: readonly RouteSpec[] = API_ROUTES) {
    this.routes = routes
      .map((spec) => {
        const segments = spec.path
          .split("/")
          .slice(1)
          .map((part) => (part.startsWith("{") ? { text: part.slice(1, -1), isParam: true } : { text: part, isParam: false }));
        return { spec, segments, literalCount: segments.filter((s) => !s.isParam).length };
      })
      .sort((a, b) => b.literalCount - a.literalCount);
  }

  match(method: string, apiPath: string): RouteMatch {
    const raw = apiPath.split("/").slice(1);
    let decoded: string[];
    try {
      decoded = raw.map((part) => decodeURIComponent(part));
    } catch {
      return { kind: "notFound" };
    }
    if (decoded.some((part) => part === "")) return { kind: "notFound" };

    const candidates = this.routes.filter(
      (r) => r.segments.length === decoded.length && r.segments.every((s, i) => s.isParam || s.text === decoded[i]),
    );
    if (candidates.length === 0) return { kind: "notFound" };
    const best = candidates.filter((c) => c.literalCount === candidates[0].literalCount && c.spec.path === candidates[0].spec.path);
    const chosen = best.find((c) => c.spec.method === method);
    if (!chosen) return { kind: "wrongMethod", path: best[0].spec.path, allowed: best.map((c) => c.spec.method) };

    const pathParams: Record<string, string> = {};
    chosen.segments.forEach((segment, i) => {
      if (segment.isParam) pathParams[segment.text] = decoded[i];
    });
    return { kind: "found", route: chosen.spec, pathParams };
  }
}
