import { randomizedSuite } from "./support/randomized-suite";

/** Random sequences of changes, faults, variants and kills, through the native provider plugin. */
randomizedSuite("plugin");
