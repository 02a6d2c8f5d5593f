// Builds dist/esm (ES modules) and dist/cjs (CommonJS, .cjs/.d.cts) from src with the pinned TypeScript.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const tsc = join("node_modules", "typescript", "bin", "tsc");
rmSync("dist", { recursive: true, force: true });
execFileSync(process.execPath, [tsc, "-p", "tsconfig.json", "--module", "NodeNext", "--moduleResolution", "NodeNext",
  "--outDir", "dist/esm"], { stdio: "inherit" });
execFileSync(process.execPath, [tsc, "-p", "tsconfig.json", "--module", "CommonJS", "--moduleResolution", "Node10",
  "--verbatimModuleSyntax", "false", "--outDir", "dist/cjs"], { stdio: "inherit" });
// CommonJS files get .cjs (the package is "type": "module"), their imports and declarations with them.
for (const f of readdirSync("dist/cjs")) {
  const p = join("dist/cjs", f);
  if (f.endsWith(".js")) {
    writeFileSync(p, readFileSync(p, "utf8").replace(/require\("(\.\/[^"]+)\.js"\)/g, 'require("$1.cjs")'));
    renameSync(p, p.replace(/\.js$/, ".cjs"));
  } else if (f.endsWith(".d.ts")) {
    writeFileSync(p, readFileSync(p, "utf8").replace(/from "(\.\/[^"]+)\.js"/g, 'from "$1.cjs"'));
    renameSync(p, p.replace(/\.d\.ts$/, ".d.cts"));
  }
}
writeFileSync("dist/esm/package.json", JSON.stringify({ type: "module" }) + "\n");
writeFileSync("dist/cjs/package.json", JSON.stringify({ type: "commonjs" }) + "\n");
