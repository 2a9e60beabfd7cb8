import { randomizedSuite } from "./support/randomized-suite";

/** Random sequences of changes, faults, variants and kills, through Pulumi's dynamic-provider host. */
randomizedSuite("dynamic");
