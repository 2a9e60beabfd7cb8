import * as pulumi from "@pulumi/pulumi";
import { LicenseGroup, Subscription } from "pulumi-ovh-office365";

// Every key is declared in Pulumi.yaml, with its default where it has one; `serviceName` has none and must be set.
const config = new pulumi.Config();
const maxSeatChange = config.requireNumber("maxSeatChange");

// Adopts the existing licence group. Deleting this resource later only forgets the group: it stays at OVH.
const group = new LicenseGroup("licence-group", {
  serviceName: config.require("serviceName"),
  displayName: config.get("displayName"),
});

// Children of the group, and their serviceName comes from it: Pulumi reads the group first.
const basic = new Subscription(
  "business-basic",
  {
    serviceName: group.serviceName,
    license: config.require("basicLicence"),
    seats: config.requireNumber("basicSeats"),
    maxSeatChange,
  },
  { parent: group },
);

const standard = new Subscription(
  "business-standard",
  {
    serviceName: group.serviceName,
    license: config.require("standardLicence"),
    seats: config.requireNumber("standardSeats"),
    maxSeatChange,
  },
  { parent: group },
);

export const serviceName = group.serviceName;
export const microsoftAdminPortalUrl = group.microsoftAdminPortalUrl;
export const subscriptions = [basic, standard].map((subscription) => ({
  licence: subscription.licenseName,
  subscriptionId: subscription.subscriptionId,
  seats: subscription.seats,
  status: subscription.status,
}));
