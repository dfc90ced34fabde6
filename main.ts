import { synthApp } from "./scripts/synth-app";

/** The app: the stacks of every `environments/<env>.yaml`, or of those named with `--env` (scripts/synth-app.ts). */
synthApp(process.argv.slice(2));
