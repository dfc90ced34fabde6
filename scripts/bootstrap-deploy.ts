import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { ROOT } from "../launch";
import { commandLineOrExit } from "./command-line";
import { BOOTSTRAP_DEPLOY_COMMAND } from "./commands";

/**
 * `npm run bootstrap -- bootstrap-<account id>`: the cdktf CLI's deploy of the bootstrap app
 * (bootstrap.ts, built by the npm script) into its own output folder. The command line is this
 * repository's (`--help` describes this command, not cdktf's), and a stack must be named.
 */

/** The cdktf CLI's arguments for the stacks named. */
function cdktfDeployArguments(stacks: readonly string[], autoApprove: boolean): string[] {
  return [
    "deploy",
    "--app",
    "node dist/bootstrap.js",
    "--output",
    "cdktf.out.bootstrap",
    ...(autoApprove ? ["--auto-approve"] : []),
    ...stacks,
  ];
}

function main(argv: readonly string[]): number {
  const commandLine = commandLineOrExit(BOOTSTRAP_DEPLOY_COMMAND, argv);
  const stacks = commandLine.arguments;
  if (stacks.length === 0) {
    process.stderr.write(
      "bootstrap: name the stack to deploy: npm run bootstrap -- bootstrap-<account id> (npm run synth:bootstrap lists them)\n",
    );
    return 2;
  }
  // The CLI of the devDependency cdktf-cli, run with this Node.js, as `npx cdktf` would.
  const manifest = require.resolve("cdktf-cli/package.json");
  const { bin } = JSON.parse(readFileSync(manifest, "utf8")) as { bin: Record<string, string> };
  const cdktf = path.join(path.dirname(manifest), bin["cdktf"] ?? "bundle/bin/cdktf");
  const run = spawnSync(process.execPath, [cdktf, ...cdktfDeployArguments(stacks, commandLine.flag("auto-approve"))], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (run.error !== undefined) throw run.error;
  return run.status ?? 1;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
