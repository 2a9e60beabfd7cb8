/** Type tokens and URNs, spelled as the engine spells them. */

/** Type token of a dynamic resource made with `new pulumi.dynamic.Resource(provider, name, props, opts)`. */
export const DYNAMIC_RESOURCE_TYPE = "pulumi-nodejs:dynamic:Resource";
/** Type token of the provider resource every dynamic resource belongs to. */
export const DYNAMIC_PROVIDER_TYPE = "pulumi:providers:pulumi-nodejs";

/** Type token of a dynamic resource class that passes `module`/`type` to `pulumi.dynamic.Resource`. */
export function dynamicResourceType(type = "Resource", module?: string): string {
  return `pulumi-nodejs:dynamic${module ? `/${module}` : ""}:${type}`;
}

export interface UrnScope {
  project: string;
  stack: string;
}

/** URN of a resource registered at the top of a stack: `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function makeUrn(type: string, name: string, scope: UrnScope): string {
  return `urn:pulumi:${scope.stack}::${scope.project}::${type}::${name}`;
}

/** The name and type the engine sends beside a URN; the type is the last of a parent chain (`parent$child`). */
export function parseUrn(urn: string): { name: string; type: string } {
  const parts = urn.split("::");
  if (!urn.startsWith("urn:pulumi:") || parts.length < 4) {
    throw new TypeError(
      `"${urn}" is not a resource URN ("urn:pulumi:<stack>::<project>::<type>::<name>"): build one with makeUrn(type, name).`,
    );
  }
  const qualifiedType = parts[2].split("$");
  return { name: parts.slice(3).join("::"), type: qualifiedType[qualifiedType.length - 1] };
}
