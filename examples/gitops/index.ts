import * as pulumi from "@pulumi/pulumi";
import { declareLicenses, loadLicenseFile } from "pulumi-ovh-office365";

const config = new pulumi.Config();

// Validated before any resource is declared: one bad value stops the run with the file, line, path and fix.
const licences = loadLicenseFile(config.require("licencesFile"));
const declared = declareLicenses(licences, { protect: config.requireBoolean("protect") });

/** Per group: its status at OVH and each subscription's live id and seats. */
export const groups = Object.fromEntries(
  declared.map(({ declaration, group, subscriptions }) => [
    declaration.serviceName,
    {
      displayName: group.displayName,
      status: group.status,
      subscriptions: subscriptions.map(({ declaration: entry, subscription }) => ({
        licence: entry.addonOf === undefined ? entry.license : `${entry.addonOf} + ${entry.license}`,
        subscriptionId: subscription.subscriptionId,
        seats: subscription.seats,
        status: subscription.status,
      })),
    },
  ]),
);
