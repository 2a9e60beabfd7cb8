import { ovhVariantsSuite } from "./support/ovh-variants-suite";

/** What OVH does not publish, every variant, through the native provider plugin (the same lifecycle, over its own service). */
ovhVariantsSuite("plugin");
