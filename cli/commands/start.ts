/** `start [--request file] [--wait]` (cli/start-run.ts, shared with `deploy`). */
export { cliExecutionName, startCommand, type StartOptions } from '../start-run';
