// Writes the price data @pydantic/genai-prices ships (the array `const E = [...]` in dist/index.js)
// as JSON, the form its remote data.json has. Usage, from a directory holding the unpacked package:
//   npm pack @pydantic/genai-prices@0.1.8 && tar xzf pydantic-genai-prices-0.1.8.tgz
//   node extract-data.mjs package/dist/index.js > data.json && gzip -9n data.json
import { readFileSync } from "node:fs";

const src = readFileSync(process.argv[2], "utf8");
const start = src.indexOf("[", src.indexOf("const E = ["));
let depth = 0, quote = null, escaped = false;
for (let i = start; i < src.length; i++) {
  const c = src[i];
  if (quote) {
    if (escaped) escaped = false;
    else if (c === "\\") escaped = true;
    else if (c === quote) quote = null;
    continue;
  }
  if (c === '"' || c === "'" || c === "`") quote = c;
  else if (c === "[") depth++;
  else if (c === "]" && --depth === 0) {
    const data = new Function("return " + src.slice(start, i + 1))(); // the package's own literal, evaluated by Node
    process.stdout.write(JSON.stringify(data, null, 1) + "\n");
    process.exit(0);
  }
}
console.error("no price data found");
process.exit(1);
