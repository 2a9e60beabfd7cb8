import { openResourceStack, type ResourceStack } from "../support/resource-stack";
import { describeVariant, emptyFigures, runLifecycle, type Variant } from "./support/variant-scenario";

/**
 * The variants that meet in one seat change, combined: whether a finished task stays readable, the status code of a
 * refusal while a task runs, and how a seat decrease outside Microsoft's window is refused. Each combination runs a
 * subscription's life (create, update, an update racing a control-panel task, a refused decrease, delete) through
 * the real provider host.
 */

let stack: ResourceStack;
const figures = emptyFigures();
let combinationsRun = 0;

beforeAll(async () => {
  stack = await openResourceStack("ovh-variant-combinations", { taskDurationMs: 100 });
});
afterAll(async () => {
  console.log(
    `OVH variant combinations: ${combinationsRun} (task lifetime × refusal code × decrease refusal): ${figures.cases} checks, ` +
      `orders ${figures.orders} (declared ${figures.ordersExpected}), duplicates ${figures.orders - figures.ordersExpected}, seats lost ${figures.seatsLost}`,
  );
  await stack?.close();
});

const combinations: Variant[] = (["kept", "vanish"] as const).flatMap((finishedTasks) =>
  ([409, 400, 403] as const).flatMap((pendingTaskRefusal) =>
    (["immediate", "taskError"] as const).map((seatDecreaseRefusal) => ({ finishedTasks, pendingTaskRefusal, seatDecreaseRefusal })),
  ),
);

it.each(combinations.map((variant) => [describeVariant(variant), variant] as const))("%s", async (_name, variant) => {
  await runLifecycle(stack, variant, { kills: false, outOfBandDelete: false }, figures);
  combinationsRun += 1;
}, 120_000);
