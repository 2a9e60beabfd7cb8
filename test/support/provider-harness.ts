import * as path from "node:path";
import {
  PACKAGE_NAME,
  serializeProvider,
  stageProgram,
  startProviderHost,
  startProviderPlugin,
  withProvider,
  type OutputLine,
  type PropertyMap,
  type ProviderHost,
  type ProviderPlugin,
} from "../../pulumi-host";
import { ensurePackageBuilt } from "./build";
import { REPO_ROOT, makeProgramDir, removeDir } from "./paths";
import { secretSweep } from "./secret-sweep";

export interface ProviderHarnessOptions {
  /** Names the program directory, to tell test runs apart. */
  label: string;
  /** Provider objects exported by the package, e.g. `["subscriptionProvider"]`. */
  exportNames: string[];
  /** Package exporting them; this package (built and staged from the repository) unless given. */
  packageName?: string;
  /** Writes what else the program needs (such as a fixture package) before providers are serialized. */
  prepare?: (programDir: string) => void | Promise<void>;
  /** Stack config, keys with their namespace (`ovh:endpoint`); sent by configure() on every host start. */
  config?: Record<string, string>;
  secretKeys?: string[];
  project?: string;
  env?: NodeJS.ProcessEnv;
  onOutput?: (line: OutputLine) => void;
  /**
   * Start the package's resource provider plugin (ovh-office365) as the engine would, instead of the dynamic-provider
   * host; `config` then holds the provider's settings as the engine sends them to it (un-namespaced keys).
   */
  plugin?: boolean;
}

export interface ProviderHarness {
  readonly programDir: string;
  /** `__provider` text of each export, as the SDK stores it in state. */
  readonly providers: Readonly<Record<string, string>>;
  /** The running host (a new one after {@link restart}). */
  readonly host: ProviderHost;
  /** The running plugin, with the `plugin` option (a new one after {@link restart}). */
  readonly plugin: ProviderPlugin;
  /** Program inputs with the export's `__provider`, as `pulumi.dynamic.Resource` registers them. */
  inputs(exportName: string, inputs: PropertyMap): PropertyMap;
  /**
   * Kills the host as a crash would (SIGKILL) if it still runs, then starts and configures a new one, as the next
   * `pulumi` run would; with `config`, that run's stack config replaces the one given at open.
   */
  restart(config?: Record<string, string>): Promise<ProviderHost>;
  /** Stops the host and removes the program directory. */
  close(): Promise<void>;
}

/**
 * A program directory with the package installed, its providers serialized in a plain node process, and the real
 * dynamic-provider host running there and configured: what `pulumi up` sets up before its first resource call.
 */
export async function openProviderHarness(options: ProviderHarnessOptions): Promise<ProviderHarness> {
  secretSweep.registerSettings(options.config ?? {}, options.secretKeys);
  secretSweep.registerSettings(options.env ?? {});
  const packageName = options.packageName ?? PACKAGE_NAME;
  let programDir = makeProgramDir(options.label);
  const createdDir = programDir;
  let packageDir = REPO_ROOT;
  let host: ProviderHost | undefined;
  try {
    if (packageName === PACKAGE_NAME) {
      await ensurePackageBuilt();
      ({ programDir, packageDir } = await stageProgram({ packageRoot: REPO_ROOT, programDir }));
    }
    await options.prepare?.(programDir);
    const texts = await Promise.all(
      options.exportNames.map((exportName) => serializeProvider({ programDir, exportName, packageName })),
    );
    const providers = Object.fromEntries(options.exportNames.map((name, index) => [name, texts[index]]));
    for (const text of texts) secretSweep.provider(text);

    let config = options.config ?? {};
    const start = async (): Promise<ProviderHost> => {
      // Swept: every resource call's arguments, results and errors, and every line the host prints.
      const common = {
        cwd: programDir,
        project: options.project,
        env: options.env,
        onOutput: (line: OutputLine) => {
          secretSweep.line(line);
          options.onOutput?.(line);
        },
      };
      const started = secretSweep.host(
        options.plugin
          ? await startProviderPlugin({ ...common, packageName: "ovh-office365", command: [process.execPath, path.join(packageDir, "dist", "provider", "native", "main.js")] })
          : await startProviderHost(common),
      );
      await started.configure(config, { secretKeys: options.secretKeys });
      return started;
    };
    host = await start();

    return {
      programDir,
      providers,
      get host(): ProviderHost {
        return host!;
      },
      get plugin(): ProviderPlugin {
        if (!options.plugin) throw new Error("this harness runs the dynamic-provider host: open it with plugin: true for a plugin");
        return host as ProviderPlugin;
      },
      inputs(exportName, inputs) {
        const text = providers[exportName];
        if (text === undefined) {
          throw new Error(`"${exportName}" was not serialized: add it to exportNames (${options.exportNames.join(", ")}).`);
        }
        return withProvider(text, inputs);
      },
      async restart(nextConfig) {
        if (nextConfig) {
          secretSweep.registerSettings(nextConfig, options.secretKeys);
          config = nextConfig;
        }
        await host?.kill("SIGKILL");
        host = await start();
        return host;
      },
      async close() {
        await host?.close();
        removeDir(createdDir);
      },
    };
  } catch (error) {
    await host?.close();
    removeDir(createdDir);
    throw error;
  }
}
