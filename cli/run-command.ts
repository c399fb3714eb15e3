import { CliError, EXIT, toCliError } from './errors';
import type { Output } from './output';

/**
 * Runs one command and turns every error into its report: `{"error": …}` with `--json`, otherwise
 * "Error: …" and "Next: …" on stderr. No stack trace unless IC_PIPELINE_DEBUG is set.
 * @returns the exit code
 */
export async function runCommand(out: Output, command: () => Promise<number> | number): Promise<number> {
  try {
    return await command();
  } catch (thrown) {
    const error = toCliError(thrown);
    reportError(error, out);
    if (process.env.IC_PIPELINE_DEBUG && thrown instanceof Error && !(thrown instanceof CliError)) out.warn(thrown.stack ?? String(thrown));
    return error.exitCode ?? EXIT.failure;
  }
}

export function reportError(error: CliError, out: Output): void {
  out.endProgress();
  if (out.jsonMode) {
    out.json({ error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}), ...(error.details ?? {}) } });
    return;
  }
  // Ctrl-C is the user's choice, not an error: say what it did and what goes on.
  out.warn(error.exitCode === EXIT.interrupted ? error.message : `${out.ce.red('Error:')} ${error.message}`);
  const problems = error.details?.problems;
  if (Array.isArray(problems)) {
    for (const problem of problems as { field: string; message: string }[]) out.warn(`  - ${problem.field}: ${problem.message}`);
  }
  if (error.hint) out.warn(`${out.ce.yellow('Next:')} ${error.hint}`);
}
