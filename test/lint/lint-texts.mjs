// Lints snippets of code as if they were files of this repository, with the repository's own
// eslint.config.mjs, and prints the messages as JSON: one array of messages per snippet, in order.
//
// Input on stdin: {"cwd": "<repo root>", "snippets": [{"code": "...", "filePath": "core/x.ts"}, ...]}.
// The files need not exist: ESLint picks the config blocks by path alone.
//
// It runs as a plain Node.js process because ESLint loads eslint.config.mjs with import(), which the
// Jest module sandbox refuses without --experimental-vm-modules (test/lint/boundaries.suite.ts spawns it).
import { ESLint } from 'eslint';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const { cwd, snippets } = JSON.parse(input);

const eslint = new ESLint({ cwd });
const messages = [];
for (const { code, filePath } of snippets) {
  const [result] = await eslint.lintText(code, { filePath });
  messages.push(result.messages.map(({ ruleId, severity, message, line }) => ({ ruleId, severity, message, line })));
}
process.stdout.write(JSON.stringify(messages));
