import { describe, expect, it } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { projectRoot } from '../common/paths.js';

// Issue #19 item 3: outside src/exact nobody builds Exact URLs or query strings or reaches the raw transport; every
// call goes through a typed resource. A new resource belongs in src/exact (exact.client.ts or a *.resources.ts file).
const RULES: { rule: string; re: RegExp }[] = [
  { rule: 'an Exact URL', re: /\/api\/(v1|oauth2)\b/ },
  { rule: 'an OData query option', re: /['"`][^'"`\n]*\$(filter|select|top|orderby|expand|skiptoken|inlinecount)\b/ },
  { rule: 'a path into a division', re: /\$\{[^}]*division[^}]*\}\/[a-zA-Z]/ },
  { rule: 'the raw transport', re: /\bExactTransport\b|\.http\s*[.[]|exact\/transport\.js/ },
  { rule: 'a resource built outside src/exact', re: /\bnew\s+(Resource|BulkResource|SyncResource|Endpoint)\s*[<(]|\.resource\s*(<[^>]*>)?\(|\.sync\s*(<[^>]*>\(|\(\s*['"`])/ },
  { rule: 'a page fetched by path', re: /\.pages?\(\s*['"`]/ },
];

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts')) out.push(p);
  }
  return out;
}

/** Code without comments (a comment may name an endpoint or $filter). */
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, '')).replace(/(^|[^:])\/\/.*$/gm, '$1');

describe('the closed Exact client', () => {
  it('no module builds Exact URLs or query strings, or uses the transport or untyped resources', async () => {
    const src = join(projectRoot, 'src');
    const files = (await sources(src)).filter((f) => !/^(exact|exact-sandbox)\//.test(relative(src, f)));
    expect(files.length).toBeGreaterThan(20);
    const found: string[] = [];
    for (const file of files) {
      const lines = code(await readFile(file, 'utf8')).split('\n');
      lines.forEach((line, i) => {
        for (const { rule, re } of RULES) if (re.test(line)) found.push(`${relative(src, file)}:${i + 1} ${rule}: ${line.trim().slice(0, 120)}`);
      });
    }
    expect(found).toEqual([]);
  });

  it('would notice a module that builds its own URL', () => {
    const offending = ["api.pages(`${division}/bulk/Financial/TransactionLines?$select=ID`)", "client.division(d).resource<X>('crm/Contacts')", 'new BulkResource<L>(this.client.http, d, p)'];
    for (const line of offending) expect(RULES.some(({ re }) => re.test(code(line)))).toBe(true);
    expect(RULES.some(({ re }) => re.test(code("// reads financial/Journals with a $filter")))).toBe(false);
  });
});
