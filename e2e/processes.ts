import { AsyncLocalStorage } from "node:async_hooks";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { accessSync, constants, createWriteStream, existsSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { setPriority } from "node:os";
import * as path from "node:path";
import { EMULATOR_DEFAULTS, type EmulatorDefault } from "./emulator-gaps";
import { ProviderAnswers, type AnswerCache, type AnswerCounts } from "./provider-answers";

/** A setup problem: printed as one line, exit code 2. */
export class SetupError extends Error {}

/** Every process the suite started that has not exited (commands, emulators, providers). */
const live = new Set<ChildProcess>();

function track<T extends ChildProcess>(child: T): T {
  live.add(child);
  child.on("exit", () => live.delete(child));
  return child;
}

/** Stops every process the suite started that still runs (on a signal: nothing is left behind). */
export function stopEverything(): void {
  for (const child of live) child.kill("SIGTERM");
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** Runs a command to completion, capturing output; kills it after `timeoutSeconds`. */
/** The niceness of the processes started by work off the run's critical path. */
const BACKGROUND_NICENESS = 10;

const offPath = new AsyncLocalStorage<true>();

/**
 * Runs work that is not on the run's critical path (the upgrade chain, in emulators of its own
 * beside birth and the lifecycle; an account whose environments the lifecycle does not tear down):
 * every process it starts (terraform, providers, emulators, builds) runs at niceness 10, so on
 * 2 cores it gets the CPU the critical path leaves and never delays it.
 */
export function offCriticalPath<T>(work: () => Promise<T>): Promise<T> {
  return offPath.run(true, work);
}

/** Lowers a child's scheduling priority when it was started off the critical path (best effort: a process that has exited already is left). */
function placed(child: ChildProcess): void {
  if (offPath.getStore() !== true || child.pid === undefined) return;
  try {
    setPriority(child.pid, BACKGROUND_NICENESS);
  } catch {
    // exited already
  }
}

export function run(
  command: string,
  args: readonly string[],
  options: {
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
    readonly timeoutSeconds: number;
    /** Called with each chunk of standard output as it arrives (progress). */
    readonly onOutput?: (chunk: string) => void;
  },
): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = track(spawn(command, [...args], { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] }));
    placed(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onOutput?.(chunk.toString());
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\n[e2e] killed after ${options.timeoutSeconds} s\n`;
      child.kill("SIGTERM");
      setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
    }, options.timeoutSeconds * 1000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** A free TCP port on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The first file named `binary` in the folders of PATH, as a shell would find it; undefined when none is.
 * @internal Exported for the tests' terraform helper too (knip --production ignores the tag).
 */
export function onPath(binary: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env["PATH"] ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, binary);
    if (dir !== "" && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Where terraform, the mirrored AWS provider and moto_server are; throws a SetupError naming what is missing. */
export interface Tools {
  readonly terraform: string;
  readonly terraformVersion: string;
  readonly mirror: string;
  readonly providerVersion: string;
  readonly moto: string;
}

/**
 * Terraform's implied local mirror directories on Linux and other Unix-like systems
 * (https://developer.hashicorp.com/terraform/cli/config/config-file#implied-local-mirror-directories):
 * `$HOME/.terraform.d/plugins`, then `terraform/plugins` in each XDG data directory
 * (`$XDG_DATA_HOME`, default `~/.local/share`; then `$XDG_DATA_DIRS`, default `/usr/local/share:/usr/share`).
 *
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function impliedMirrorDirectories(env: NodeJS.ProcessEnv): string[] {
  const home = env["HOME"] ?? "/root";
  const dataHome = env["XDG_DATA_HOME"] || path.join(home, ".local", "share");
  const dataDirs = (env["XDG_DATA_DIRS"] || "/usr/local/share:/usr/share").split(":").filter((dir) => dir !== "");
  return [path.join(home, ".terraform.d", "plugins"), ...[dataHome, ...dataDirs].map((dir) => path.join(dir, "terraform", "plugins"))];
}

/** A tool path named by an environment variable must exist and be executable: one line otherwise. */
function toolFromEnv(env: NodeJS.ProcessEnv, variable: string, what: string): string | undefined {
  const value = env[variable];
  if (value === undefined || value === "") return undefined;
  try {
    accessSync(value, constants.X_OK);
  } catch {
    throw new SetupError(`e2e: ${variable}=${value}: no executable ${what} there (unset it to use the one on the PATH)`);
  }
  return value;
}

/** Versions of the AWS provider unpacked for linux_amd64 in a filesystem mirror, oldest first. */
function mirroredProviderVersions(mirror: string): string[] {
  const versionsDir = path.join(mirror, "registry.terraform.io", "hashicorp", "aws");
  if (!existsSync(versionsDir)) return [];
  return readdirSync(versionsDir)
    .filter((version) => {
      const platformDir = path.join(versionsDir, version, "linux_amd64");
      return existsSync(platformDir) && readdirSync(platformDir).some((file) => file.startsWith("terraform-provider-aws_"));
    })
    .sort();
}

export function findTools(env: NodeJS.ProcessEnv = process.env): Tools {
  const terraform = toolFromEnv(env, "E2E_TERRAFORM", "terraform") ?? onPath("terraform", env);
  if (terraform === undefined)
    throw new SetupError(
      "e2e: terraform is not on the PATH: install terraform 1.11.4 (https://developer.hashicorp.com/terraform/install) or set E2E_TERRAFORM",
    );
  const versionRun = spawnSync(terraform, ["version", "-json"], { encoding: "utf8", env: { ...env, CHECKPOINT_DISABLE: "1" } });
  let terraformVersion = "?";
  try {
    terraformVersion =
      versionRun.status === 0 ? ((JSON.parse(versionRun.stdout) as { terraform_version?: string }).terraform_version ?? "?") : "?";
  } catch {
    // not terraform's JSON
  }
  if (terraformVersion === "?") throw new SetupError(`e2e: ${terraform} version -json failed: install terraform 1.11.4`);
  const given = env["E2E_PROVIDER_MIRROR"];
  const mirrors = given !== undefined && given !== "" ? [given] : impliedMirrorDirectories(env);
  const mirror = mirrors.find((candidate) => mirroredProviderVersions(candidate).length > 0);
  if (mirror === undefined)
    throw new SetupError(
      `e2e: no AWS provider in a filesystem mirror (looked in ${mirrors.join(", ")}): put registry.terraform.io/hashicorp/aws/<version>/linux_amd64/terraform-provider-aws_* in one of Terraform's implied mirror directories or set E2E_PROVIDER_MIRROR`,
    );
  const moto = toolFromEnv(env, "E2E_MOTO_SERVER", "moto_server") ?? onPath("moto_server", env);
  if (moto === undefined)
    throw new SetupError("e2e: moto_server is not on the PATH: pip install 'moto[server]==5.2.1' (or set E2E_MOTO_SERVER)");
  const found = mirroredProviderVersions(mirror);
  return { terraform, terraformVersion, mirror, providerVersion: env["E2E_PROVIDER_VERSION"] || (found.at(-1) ?? ""), moto };
}

/**
 * The folder of e2e/moto-defaults/sitecustomize.py (from the sources, or from the build in dist/e2e).
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function motoDefaultsDirectory(): string {
  const candidates = [path.resolve(__dirname, "moto-defaults"), path.resolve(__dirname, "..", "..", "e2e", "moto-defaults")];
  const found = candidates.find((dir) => existsSync(path.join(dir, "sitecustomize.py")));
  if (found === undefined) throw new SetupError(`e2e: no moto-defaults/sitecustomize.py (looked in ${candidates.join(", ")})`);
  return found;
}

/**
 * The environment of a moto_server: the account, AWS's managed policies, and the emulator
 * defaults (e2e/emulator-gaps.ts EMULATOR_DEFAULTS) set by e2e/moto-defaults/sitecustomize.py,
 * which Python loads from the front of PYTHONPATH whatever runs it (a script's shebang, a pyenv
 * shim, a virtualenv).
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function motoEnvironment(
  base: NodeJS.ProcessEnv,
  account: string,
  defaultsDirectory: string,
  defaults: readonly EmulatorDefault[] = EMULATOR_DEFAULTS,
): NodeJS.ProcessEnv {
  const pythonPath = base["PYTHONPATH"];
  return {
    ...base,
    MOTO_ACCOUNT_ID: account,
    MOTO_IAM_LOAD_MANAGED_POLICIES: "true",
    AWS_DEFAULT_REGION: "eu-west-1",
    // No __pycache__ written into the sources.
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONPATH: pythonPath === undefined || pythonPath === "" ? defaultsDirectory : `${defaultsDirectory}${path.delimiter}${pythonPath}`,
    E2E_MOTO_DEFAULTS: JSON.stringify(
      defaults.map(({ module, className, parameter, moto, aws }) => ({ module, className, parameter, moto, aws })),
    ),
  };
}

/**
 * The emulator defaults a moto_server's output does not confirm as set (the line
 * sitecustomize.py prints per entry, read back from moto's patched signature): each a reason.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function unconfirmedDefaults(output: string, defaults: readonly EmulatorDefault[] = EMULATOR_DEFAULTS): string[] {
  return defaults.flatMap((entry) => {
    const where = `${entry.module}.${entry.className}.__init__ ${entry.parameter}`;
    const refused = output.split("\n").find((line) => line.startsWith(`e2e moto default: NOT SET ${where}:`));
    if (refused !== undefined) return [refused.slice("e2e moto default: ".length)];
    return output.includes(`e2e moto default: ${where} = ${entry.aws} (`) ? [] : [`${where}: not confirmed (sitecustomize.py not loaded?)`];
  });
}

/** The line sitecustomize.py prints once moto's response pickers copy the transformers they are given (its thread-safety fix). */
const THREAD_SAFETY_FIX = "e2e moto default: moto.core.serialize.AttributePicker copies the response transformers it is given";

/**
 * What a moto_server's start-up output does not confirm of sitecustomize.py's thread-safety fix:
 * without it, concurrent EC2 requests can answer 500 for work moto has done (docs/testing.md,
 * "Emulator defaults"). Empty when confirmed.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function unconfirmedFixes(output: string): string[] {
  const refused = output.split("\n").find((line) => line.startsWith("e2e moto default: NOT SET moto.core.serialize.AttributePicker"));
  if (refused !== undefined) return [refused.slice("e2e moto default: ".length)];
  return output.includes(THREAD_SAFETY_FIX)
    ? []
    : ["moto.core.serialize.AttributePicker thread-safety fix: not confirmed (sitecustomize.py not loaded?)"];
}

/** One moto_server for one account, on a free port of 127.0.0.1. */
export class Moto {
  private constructor(
    readonly endpoint: string,
    readonly account: string,
    private readonly child: ReturnType<typeof spawn>,
  ) {}

  static async start(tools: Tools, account: string, logFile: string): Promise<Moto> {
    const port = await freePort();
    const log = createWriteStream(logFile);
    const child = track(
      spawn(tools.moto, ["-H", "127.0.0.1", "-p", String(port)], {
        env: motoEnvironment(process.env, account, motoDefaultsDirectory()),
        stdio: ["ignore", "pipe", "pipe"],
      }),
    );
    placed(child);
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    let output = "";
    const keep = (chunk: Buffer) => (output += chunk.toString());
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const endpoint = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new SetupError(`e2e: moto_server exited at start (${child.exitCode}); see ${logFile}`);
      try {
        const response = await fetch(`${endpoint}/moto-api/data.json`);
        if (response.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        child.kill();
        throw new SetupError(`e2e: moto_server did not answer on ${endpoint} within 60 s; see ${logFile}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    child.stdout?.off("data", keep);
    child.stderr?.off("data", keep);
    const unconfirmed = [...unconfirmedDefaults(output), ...unconfirmedFixes(output)];
    if (unconfirmed.length > 0) {
      child.kill();
      throw new SetupError(
        `e2e: moto_server did not set the emulator defaults and fixes of e2e/moto-defaults/sitecustomize.py: ${unconfirmed.join("; ")}; see ${logFile}`,
      );
    }
    return new Moto(endpoint, account, child);
  }

  /** An AWS query-protocol call signed with a dummy signature (moto does not check signatures). */
  async query(service: string, params: Record<string, string>): Promise<string> {
    const body = new URLSearchParams(params).toString();
    const response = await fetch(`${this.endpoint}/`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${service} ${params["Action"]}: HTTP ${response.status}: ${text.slice(0, 300)}`);
    return text;
  }

  stop(): void {
    this.child.kill("SIGTERM");
  }
}

/**
 * One AWS provider process serving every terraform command of one stack (TF_REATTACH_PROVIDERS):
 * terraform otherwise starts the provider (a 700 MB binary) three or four times per command,
 * which dominates the run on a small machine. Its debug log (JSON lines, the API requests
 * included) is kept in memory; `since(mark)` gives what one command logged. Terraform reaches it
 * through {@link ProviderAnswers}, which answers the repeated schema and validation calls.
 */
export class ProviderServer {
  /** The cached calls of every provider process of the run, answered from the cache or by a provider. */
  static readonly answered: AnswerCounts = { fromCache: 0, fromProvider: 0 };
  /** The schema and validation answers, shared by the processes of one binary (all started with the same environment). */
  private static readonly answerCaches = new Map<string, AnswerCache>();
  private output = "";
  private stopped = false;

  private constructor(
    readonly reattach: string,
    private readonly child: ReturnType<typeof spawn>,
    private readonly answers: ProviderAnswers,
  ) {}

  static async start(binary: string): Promise<ProviderServer> {
    // Plain HTTP to 127.0.0.1 only: a CA bundle from the machine's environment is not wanted (and a
    // provider in debug mode refuses one: "unable to add custom RootCAs HTTPClient").
    const env: NodeJS.ProcessEnv = { ...process.env, TF_LOG: "debug", TF_LOG_PROVIDER: "debug", AWS_EC2_METADATA_DISABLED: "true" };
    delete env["AWS_CA_BUNDLE"];
    delete env["AWS_PROFILE"];
    const child = track(spawn(binary, ["-debug"], { env, stdio: ["ignore", "pipe", "pipe"] }));
    placed(child);
    let text = "";
    const reattach = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new SetupError(`e2e: ${binary} -debug printed no TF_REATTACH_PROVIDERS within 180 s`)),
        180_000,
      );
      const onData = (chunk: Buffer) => {
        text += chunk.toString();
        const match = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(text);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1] ?? "");
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.on("exit", (code) => reject(new SetupError(`e2e: ${binary} -debug exited (${code})`)));
    });
    // Terraform talks to the relay; the relay to the provider's own socket.
    const config = JSON.parse(reattach) as Record<string, { Addr: { Network: string; String: string } }>;
    const entry = Object.values(config)[0];
    if (entry === undefined || entry.Addr.Network !== "unix") {
      child.kill("SIGTERM");
      throw new SetupError(`e2e: ${binary} -debug printed a TF_REATTACH_PROVIDERS without a unix socket: ${reattach}`);
    }
    let cache = ProviderServer.answerCaches.get(binary);
    if (cache === undefined) {
      cache = new Map();
      ProviderServer.answerCaches.set(binary, cache);
    }
    const answers = await ProviderAnswers.start(entry.Addr.String, `${entry.Addr.String}.answers`, cache);
    entry.Addr.String = answers.socket;
    const server = new ProviderServer(JSON.stringify(config), child, answers);
    const keep = (chunk: Buffer) => (server.output += chunk.toString());
    child.stdout?.removeAllListeners("data");
    child.stderr?.removeAllListeners("data");
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    return server;
  }

  mark(): number {
    return this.output.length;
  }

  /**
   * CPU seconds (user + system) the provider process has used so far, from /proc (Linux); undefined
   * elsewhere. The difference around a command is what that command cost the provider.
   */
  cpuSeconds(): number | undefined {
    const pid = this.child.pid;
    if (pid === undefined) return undefined;
    try {
      return cpuSecondsOfStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
      return undefined;
    }
  }

  since(mark: number): string {
    return this.output.slice(mark);
  }

  /** Drops what was logged so far (the log of a long run would otherwise grow without bound). */
  clear(): void {
    this.output = "";
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    ProviderServer.answered.fromCache += this.answers.counts.fromCache;
    ProviderServer.answered.fromProvider += this.answers.counts.fromProvider;
    this.answers.stop();
    this.child.kill("SIGTERM");
  }
}

/**
 * utime + stime of a `/proc/<pid>/stat` line, in seconds (clock ticks of 1/100 s, Linux's USER_HZ).
 * The command name (field 2) is in parentheses and may hold spaces: fields are counted after it.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function cpuSecondsOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The provider binary of the mirror, for {@link ProviderServer}. */
export function providerBinary(tools: Tools): string {
  const dir = path.join(tools.mirror, "registry.terraform.io", "hashicorp", "aws", tools.providerVersion, "linux_amd64");
  const file = readdirSync(dir).find((name) => name.startsWith("terraform-provider-aws_"));
  if (file === undefined) throw new SetupError(`e2e: no terraform-provider-aws_* in ${dir}`);
  return path.join(dir, file);
}
