import type * as pulumi from "@pulumi/pulumi";
import * as licenseGroup from "../resources/license-group-lifecycle";
import { licenseGroupInputNames } from "../resources/license-group-rules";
import * as subscription from "../resources/subscription-lifecycle";
import { subscriptionInputNames } from "../resources/subscription-rules";
import { licenseGroupToken, subscriptionToken } from "./tokens";

/**
 * The resources the plugin serves, each on the lifecycle the dynamic resources use: the same checks, diffs and OVH
 * calls, whichever way a program reaches them.
 */
export interface ResourceKind {
  token: string;
  /** The inputs a program declares. */
  inputNames: readonly string[];
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult>;
  diff(id: string, olds: never, news: never): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: never): Promise<pulumi.dynamic.CreateResult>;
  /** With no `props`, an import: the inputs returned are those a program would declare. */
  read(id: string, props?: never): Promise<pulumi.dynamic.ReadResult>;
  update(id: string, olds: never, news: never): Promise<pulumi.dynamic.UpdateResult>;
  remove(id: string, props: never): Promise<void>;
}

export const resourceKinds: ReadonlyMap<string, ResourceKind> = new Map<string, ResourceKind>([
  [subscriptionToken, { token: subscriptionToken, inputNames: subscriptionInputNames, ...lifecycleOf(subscription) }],
  [licenseGroupToken, { token: licenseGroupToken, inputNames: licenseGroupInputNames, ...lifecycleOf(licenseGroup) }],
]);

function lifecycleOf(lifecycle: typeof subscription | typeof licenseGroup): Omit<ResourceKind, "token" | "inputNames"> {
  return {
    check: lifecycle.check,
    diff: lifecycle.diff as ResourceKind["diff"],
    create: lifecycle.create as ResourceKind["create"],
    read: lifecycle.read as ResourceKind["read"],
    update: lifecycle.update as ResourceKind["update"],
    remove: lifecycle.remove as ResourceKind["remove"],
  };
}
