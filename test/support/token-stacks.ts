import { suppressTokenCreationStacks } from "../../stacks/token-creation-stacks";

/*
 * Setup file: tests synthesize as the app does, without cdktf's token creation stacks. Under the
 * test runner every captured stack is formatted through source maps, which made those stacks a
 * third of the suite's time. Errors keep the runner's formatting. Installing again (one worker
 * runs many files) changes nothing.
 */
suppressTokenCreationStacks();
