import type * as pulumi from "@pulumi/pulumi";
import * as csp2 from "../csp2";
import type { OfficeTenantWithIAM } from "../csp2";
import { formatDuration } from "../durations";
import { OvhApiError } from "../ovh/errors";
import type { OvhRequester } from "../ovh/types";
import type { LicenseGroupInputs, LicenseGroupOrder, LicenseGroupOutputs } from "./license-group-types";
import {
  checkLicenseGroupInputs,
  declaredContact,
  diffLicenseGroup,
  licenseGroupInputsFromOutputs,
  microsoftAdminPortalUrl,
  orderMark,
  tenantChanges,
  tutorialUrl,
} from "./license-group-rules";
import { licenseGroupNotFound } from "./catalogue";
import { pendingTasksOf } from "./pending-tasks";
import { deletionAdvice, isDeletionAllowed } from "./deletion-intent";
import { settleWindowMs, type OperationContext } from "./operation-context";
import { withPartialState } from "./partial-state";
import { configureFromStack, deletionAllowance, operationContext, ovhClient, tell } from "./provider-config";
import { settleRead } from "./settling";

/**
 * The LicenseGroup resource's operations against OVH: the CRUD entry points. The provider object in license-group.ts
 * delegates here, and every `__provider` stored in a stack requires this file and calls these names with these
 * arguments (`configure(req)`, `check(olds, news)`, `diff(id, olds, news)`, `create(inputs)`, `read(id, props)`,
 * `update(id, olds, news)`, `remove(id, props)`): they are a public contract, whatever moves behind them.
 */

export const configure = configureFromStack;

export async function check(_olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumi.dynamic.CheckResult> {
  return checkLicenseGroupInputs(news);
}

export async function diff(id: string, olds: LicenseGroupOutputs, news: LicenseGroupInputs): Promise<pulumi.dynamic.DiffResult> {
  if (news.order !== undefined && JSON.stringify(news.order) !== JSON.stringify(olds.order)) {
    tell(id, "order only applies when the group is created: the change to it is ignored");
  }
  return diffLicenseGroup(olds, news);
}

export async function create(inputs: LicenseGroupInputs): Promise<pulumi.dynamic.CreateResult> {
  const ctx = operationContext();
  const { requester } = ctx;
  const adopted = inputs.serviceName !== undefined;
  let serviceName: string;
  let orderId: number | undefined;
  if (adopted) {
    serviceName = inputs.serviceName as string;
    await getTenantOrExplain(requester, serviceName);
    tell(serviceName, "adopted");
  } else {
    try {
      ({ serviceName, orderId } = await orderGroup(ctx, inputs.displayName ?? "", inputs.order as LicenseGroupOrder));
    } catch (error) {
      if (!(error instanceof DeliveredGroupNotShownError)) throw error;
      throw withPartialState(error, error.serviceName, knownOutputs(error.serviceName, inputs, false, error.orderId), inputs);
    }
  }
  try {
    await applyTenantChanges(requester, serviceName, inputs);
    return { id: serviceName, outs: await outputsFor(requester, serviceName, inputs, adopted, orderId) };
  } catch (error) {
    // The group exists: record it in the state (a partial create), so the next run updates it and never orders it again.
    const properties = await outputsFor(requester, serviceName, inputs, adopted, orderId).catch(() => knownOutputs(serviceName, inputs, adopted, orderId));
    throw withPartialState(error, serviceName, properties, inputs);
  }
}

/** What is known of a group OVH cannot be asked about now: what was declared, and how it came to be managed. */
function knownOutputs(serviceName: string, declared: LicenseGroupInputs, adopted: boolean, orderId: number | undefined): Partial<LicenseGroupOutputs> {
  return {
    serviceName,
    adopted,
    ...(orderId === undefined ? {} : { orderId }),
    ...(declared.order === undefined ? {} : { order: declared.order }),
    ...(declared.displayName === undefined ? {} : { displayName: declared.displayName }),
    ...(declared.contact === undefined ? {} : { contact: declared.contact }),
    ...(declared.terminateOnDelete === undefined ? {} : { terminateOnDelete: declared.terminateOnDelete }),
    pendingTasks: [],
  };
}

export async function read(id: string, props?: LicenseGroupOutputs): Promise<pulumi.dynamic.ReadResult> {
  const requester = ovhClient();
  const old: Partial<LicenseGroupOutputs> = props ?? {};
  // An import (`pulumi import`) reads with the id alone: it adopts the group, and manages its display name as it is.
  const importing = props === undefined;
  const declared: LicenseGroupInputs = {
    serviceName: old.adopted === false ? undefined : id,
    order: old.order,
    displayName: importing ? (await getTenantOrExplain(requester, id).catch(() => undefined))?.displayName : old.displayName,
    contact: old.contact,
    terminateOnDelete: old.terminateOnDelete,
  };
  let outs: LicenseGroupOutputs;
  try {
    outs = await outputsFor(requester, id, declared, old.adopted ?? true, old.orderId);
  } catch (error) {
    if (error instanceof OvhApiError && error.isNotFound) {
      tell(id, "no longer exists at OVH: it is removed from the state");
      return { id: "", props: {} };
    }
    throw error;
  }
  // The declared tenant fields take their live values, so a change made in the control panel shows as drift.
  return { id, props: outs, inputs: licenseGroupInputsFromOutputs(outs) };
}

export async function update(id: string, olds: LicenseGroupOutputs, news: LicenseGroupInputs): Promise<pulumi.dynamic.UpdateResult> {
  const requester = ovhClient();
  await applyTenantChanges(requester, id, news);
  return { outs: await outputsFor(requester, id, news, olds.adopted ?? true, olds.orderId) };
}

export async function remove(id: string, props: LicenseGroupOutputs): Promise<void> {
  if (!props.terminateOnDelete) {
    tell(
      id,
      "removed from the program but NOT terminated: the licence group and its subscriptions stay at OVH and are still " +
        "billed. To terminate it, set terminateOnDelete: true and run `pulumi up` before removing it, and allow it with " +
        "`pulumi config set ovh-office365:allowDeletes " + id + "`.",
    );
    return;
  }
  if (!isDeletionAllowed(deletionAllowance(), id)) {
    throw new Error(
      `${id}: not terminated. terminateOnDelete is true, so deleting this resource terminates the licence group at OVH ` +
        `(the customer's tenant and every subscription in it), and this stack does not allow it. ${deletionAdvice(id)}`,
    );
  }
  const requester = ovhClient();
  const serviceIds = await csp2.listServices(requester, { resourceName: id });
  if (serviceIds.length === 0) {
    tell(id, "no OVH service found for it: already terminated");
    return;
  }
  const answer = await csp2.terminateService(requester, serviceIds[0]);
  tell(
    id,
    `termination requested (service ${serviceIds[0]}): ${answer.message} OVH e-mails a confirmation link to the ` +
      `account's administrative contact; the group ends once it is confirmed.`,
  );
}

async function orderGroup(ctx: OperationContext, displayName: string, order: LicenseGroupOrder): Promise<{ serviceName: string; orderId: number }> {
  const { requester } = ctx;
  const mark = orderMark(displayName, order);
  for (const cartId of await csp2.listCarts(requester, { description: mark })) {
    const cart = await csp2.getCart(requester, cartId);
    if (cart.readOnly) {
      throw new Error(
        `order: a licence group "${displayName}" was already ordered from cart ${cartId} by an earlier run that did not ` +
          `finish. It is not ordered again. Once OVH has delivered it (\`ovh-office365 groups\`), replace order with ` +
          `serviceName: "<the new group>" to adopt it.`,
      );
    }
    await csp2.deleteCart(requester, cartId);
  }
  const subject = `group "${displayName}"`;
  const orderId = await orderThroughCart(
    requester,
    {
      ovhSubsidiary: order.ovhSubsidiary,
      planCode: order.planCode,
      duration: order.duration ?? "P1M",
      pricingMode: order.pricingMode ?? "default",
      configurations: order.configurations ?? [],
      autoPay: order.autoPay ?? true,
      description: mark,
    },
    (step) => tell(subject, step),
  );
  tell(subject, `ordered: OVH order ${orderId}, waiting for delivery`);
  const timeoutMs = (order.deliveryTimeoutMinutes ?? 60) * 60_000;
  await csp2.waitForOrderDelivered(requester, orderId, {
    timeoutMs,
    onProgress: (progress) => tell(subject, `order ${orderId}: ${progress.status}, ${Math.round(progress.elapsedMs / 1000)} s`),
  });
  // OVH may show the order delivered before its details name the group, and the group before it can be read.
  const named = await settleRead(ctx, {
    subject,
    awaiting: `the licence group order ${orderId} delivered`,
    read: () => csp2.deliveredServiceName(requester, orderId, order.planCode),
    shows: (name) => name !== undefined,
    timeoutMs,
  });
  if (named.value === undefined) throw new csp2.OrderFailedError(orderId, "delivered", csp2.noServiceNamed);
  const serviceName = named.value;
  const readable = await settleRead(ctx, {
    subject,
    awaiting: `the delivered licence group ${serviceName}`,
    read: () => findTenant(requester, serviceName),
    shows: (tenant) => tenant !== undefined,
    timeoutMs,
  });
  if (readable.value === undefined) {
    throw new DeliveredGroupNotShownError(
      `${subject}: OVH delivered order ${orderId} as licence group ${serviceName}, but does not show that group yet after ` +
        `reading it again for ${formatDuration(settleWindowMs(ctx, timeoutMs))}. It is kept in the stack's state: run ` +
        `\`pulumi up\` again later to apply its display name and contact (nothing is ordered again).`,
      serviceName,
      orderId,
    );
  }
  tell(subject, `delivered as ${serviceName}`);
  return { serviceName, orderId };
}

/** A group delivered by its order that OVH does not show yet: it exists, and the state must keep it. */
class DeliveredGroupNotShownError extends Error {
  constructor(
    message: string,
    readonly serviceName: string,
    readonly orderId: number,
  ) {
    super(message);
    this.name = "DeliveredGroupNotShownError";
  }
}

/** The group's tenant, or undefined while OVH answers 404 for it. */
async function findTenant(requester: OvhRequester, serviceName: string): Promise<OfficeTenantWithIAM | undefined> {
  try {
    return await csp2.getTenant(requester, serviceName);
  } catch (error) {
    if (error instanceof OvhApiError && error.isNotFound) return undefined;
    throw error;
  }
}

/** `csp2.orderLicenseGroup`, with its input errors naming the resource's input (`order.planCode`, …). */
async function orderThroughCart(...args: Parameters<typeof csp2.orderLicenseGroup>): Promise<number> {
  try {
    return await csp2.orderLicenseGroup(...args);
  } catch (error) {
    if (error instanceof csp2.Csp2InputError) error.message = `order.${error.message}`;
    throw error;
  }
}

async function getTenantOrExplain(requester: OvhRequester, serviceName: string): Promise<OfficeTenantWithIAM> {
  try {
    return await csp2.getTenant(requester, serviceName);
  } catch (error) {
    if (error instanceof OvhApiError && error.isNotFound) {
      throw licenseGroupNotFound(serviceName);
    }
    throw error;
  }
}

async function applyTenantChanges(requester: OvhRequester, serviceName: string, declared: LicenseGroupInputs): Promise<void> {
  const live = await csp2.getTenant(requester, serviceName);
  const changes = tenantChanges(declared, { ...live });
  if (Object.keys(changes).length === 0) return;
  await csp2.updateTenant(requester, serviceName, changes);
  tell(serviceName, `updated ${Object.keys(changes).join(", ")}`);
}

async function outputsFor(
  requester: OvhRequester,
  serviceName: string,
  declared: LicenseGroupInputs,
  adopted: boolean,
  orderId: number | undefined,
): Promise<LicenseGroupOutputs> {
  const [tenant, info, pending] = await Promise.all([
    csp2.getTenant(requester, serviceName),
    csp2.getServiceInfos(requester, serviceName),
    pendingTasksOf(requester, serviceName),
  ]);
  const outputs: LicenseGroupOutputs = {
    serviceName,
    adopted,
    tenant: {
      displayName: tenant.displayName,
      firstName: tenant.firstName,
      lastName: tenant.lastName,
      email: tenant.email,
      phone: tenant.phone,
      address: tenant.address,
      city: tenant.city,
      zipCode: tenant.zipCode,
      mpnId: tenant.mpnId ?? null,
    },
    status: tenant.status,
    creationDate: tenant.creationDate,
    microsoftAdminPortalUrl,
    tutorialUrl,
    serviceInfo: {
      status: info.status,
      creation: info.creation,
      expiration: info.expiration,
      renewalAutomatic: info.renew?.automatic ?? false,
      renewalPeriod: info.renew?.period ?? null,
      contactAdmin: info.contactAdmin,
      contactBilling: info.contactBilling,
      contactTech: info.contactTech,
    },
    pendingTasks: pending.map((task) => ({ id: task.id, function: task.function, status: task.status, todoDate: task.todoDate })),
  };
  if (declared.order !== undefined) outputs.order = declared.order;
  if (orderId !== undefined) outputs.orderId = orderId;
  if (declared.displayName !== undefined) outputs.displayName = tenant.displayName;
  const contact = declaredContact(declared.contact, { ...tenant });
  if (contact !== undefined) outputs.contact = contact;
  if (declared.terminateOnDelete !== undefined) outputs.terminateOnDelete = declared.terminateOnDelete;
  return outputs;
}
