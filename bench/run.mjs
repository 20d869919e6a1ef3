// Runs one benchmark: `npm run bench -- <name>` executes bench/<name>.mjs (after `npm run build`).
// Each benchmark starts what it needs itself and prints one JSON object as its last line.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const name = process.argv[2];
const available = readdirSync(here).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs').map((f) => f.replace(/\.mjs$/, ''));
if (!name || !existsSync(join(here, `${name}.mjs`))) {
  console.error(`usage: npm run bench -- <name>   (available: ${available.join(', ') || 'none'})`);
  process.exit(2);
}
const mod = await import(pathToFileURL(join(here, `${name}.mjs`)).href);
const result = await mod.default(process.argv.slice(3));
console.log(JSON.stringify(result));
process.exit(0);
