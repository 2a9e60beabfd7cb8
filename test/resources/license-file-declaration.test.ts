import { declareLicenseGroup } from "../../provider/resources/license-file-declaration";

const BASIC = "Microsoft 365 Business Basic";

describe("declareLicenseGroup", () => {
  it("refuses an add-on whose licence is not declared before it, before registering anything", () => {
    const declaration = {
      serviceName: "g-1",
      subscriptions: [{ license: "Microsoft 365 Audio Conferencing", seats: 1, addonOf: BASIC, resourceName: "g-1/basic/audio" }],
    };
    // Outside a Pulumi program, registering a resource would fail with another error: this one comes first.
    expect(() => declareLicenseGroup(declaration)).toThrow(
      `g-1/basic/audio: addonOf "${BASIC}" is not a licence declared before it in group g-1: list the licence it extends first`,
    );
  });
});
