import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { ENVIRONMENT_JSON_SCHEMA_FILE, environmentJsonSchema } from "../environments/write-json-schema";
import { commandLineOrExit } from "./command-line";
import { SCHEMA_COMMAND } from "./commands";

/** `npm run schema`: writes the JSON Schema next to the environment files (run from `dist/`). */
function main(argv: readonly string[]): void {
  commandLineOrExit(SCHEMA_COMMAND, argv);
  writeFileSync(ENVIRONMENT_JSON_SCHEMA_FILE, environmentJsonSchema());
  process.stdout.write(`wrote ${path.relative(process.cwd(), ENVIRONMENT_JSON_SCHEMA_FILE)}\n`);
}

main(process.argv.slice(2));
