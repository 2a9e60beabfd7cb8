import { ovhVariantsSuite } from "./support/ovh-variants-suite";

/** What OVH does not publish, every variant, through Pulumi's dynamic-provider host. */
ovhVariantsSuite("dynamic");
