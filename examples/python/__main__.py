"""The quickstart in Python: one adopted licence group, two subscriptions with a guard rail.

The `pulumi_ovh_office365` module is the SDK `pulumi package add` generates from the ovh-office365 provider plugin
(see README.md).
"""

import pulumi
import pulumi_ovh_office365 as office365

config = pulumi.Config()
max_seat_change = config.require_int("maxSeatChange")

# Adopts the existing licence group. Deleting this resource later only forgets the group: it stays at OVH.
group = office365.LicenseGroup(
    "licence-group",
    service_name=config.require("serviceName"),
)

basic = office365.Subscription(
    "business-basic",
    service_name=group.service_name,
    license=config.require("basicLicense"),
    seats=config.require_int("basicSeats"),
    max_seat_change=max_seat_change,
    opts=pulumi.ResourceOptions(parent=group),
)

standard = office365.Subscription(
    "business-standard",
    service_name=group.service_name,
    license=config.require("standardLicense"),
    seats=config.require_int("standardSeats"),
    max_seat_change=max_seat_change,
    opts=pulumi.ResourceOptions(parent=group),
)

pulumi.export("serviceName", group.service_name)
pulumi.export("microsoftAdminPortalUrl", group.microsoft_admin_portal_url)
pulumi.export(
    "subscriptions",
    [
        {"license": s.license_name, "subscriptionId": s.subscription_id, "seats": s.seats, "status": s.status}
        for s in (basic, standard)
    ],
)
