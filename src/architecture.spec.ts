import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { projectRoot } from './common/paths.js';

/**
 * The house rules that can be read off the source (README, Architecture): src/common imports no module, config is the
 * only reader of process.env, auth never imports users, and unique violations are turned into field errors in one place.
 */
const SRC = join(projectRoot, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** src-relative path with forward slashes, e.g. "common/navigation.ts". */
const rel = (file: string) => relative(SRC, file).split(sep).join('/');
const isTest = (file: string) => /\.spec\.ts$/.test(file);

/** Every relative module a file imports (static, side-effect, re-export and dynamic imports), as src-relative paths. */
export function importsOf(file: string, text: string): string[] {
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]);
  return specs.filter((s) => s.startsWith('.')).map((s) => rel(resolve(dirname(file), s)));
}

/** Reads of the process environment (process.env, process['env'], a destructured env). */
export function readsProcessEnv(text: string): boolean {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return /\bprocess\s*(?:\?\.|\.)\s*env\b|\bprocess\s*\[\s*['"`]env['"`]\s*\]|\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/.test(code);
}

const files = sourceFiles(SRC).filter((f) => !isTest(f));
const text = new Map(files.map((f) => [rel(f), readFileSync(f, 'utf8')]));
const filesUnder = (prefix: string) => [...text.keys()].filter((f) => f.startsWith(prefix));

/** The module (folder under modules/) of a src-relative path, or undefined. */
const moduleOf = (f: string) => (f.startsWith('modules/') ? f.split('/')[1] : undefined);

/**
 * Writes a file makes to entities of another module through an EntityManager (create/upsert/insert/nativeUpdate/
 * nativeDelete with the class): "a module changes another module's data only through that module's service".
 */
export function foreignEntityWrites(file: string, source: string): string[] {
  const own = moduleOf(file);
  const out: string[] = [];
  for (const m of source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g)) {
    if (m[1]) continue;
    const target = rel(resolve(dirname(join(SRC, file)), m[3]));
    const other = moduleOf(target);
    if (!other || other === own || !/entit/.test(target)) continue;
    for (const raw of m[2].split(',')) {
      const name = raw.trim().split(/\s+as\s+/).pop()!.trim();
      if (!name || raw.trim().startsWith('type ')) continue;
      const write = new RegExp(`\\b(create|upsert|upsertMany|insert|insertMany|nativeUpdate|nativeDelete)\\(\\s*${name}\\b`);
      if (write.test(source)) out.push(`${file} writes ${other}'s ${name}`);
    }
  }
  return out;
}

/** What a controller must not do: hold an EntityManager or the ORM, or take a date from the machine clock. */
export function controllerSins(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const sins: string[] = [];
  if (/from\s+'@mikro-orm\//.test(code) || /\b(EntityManager|MikroORM)\b/.test(code)) sins.push('uses the ORM');
  if (/\bthis\.(em|orm)\b/.test(code)) sins.push('holds an EntityManager');
  if (/\bnew Date\(\s*\)|\bDate\.now\(/.test(code)) sins.push('takes the machine clock');
  return sins;
}

describe('architecture', () => {
  it('finds the imports and environment reads it checks for (the checks can fail)', () => {
    const file = join(SRC, 'common', 'x.ts');
    expect(importsOf(file, "import { A } from '../modules/users/a.js';\nimport './b.js';\nconst c = await import('../modules/c.js');"))
      .toEqual(['modules/users/a.js', 'common/b.js', 'modules/c.js']);
    expect(readsProcessEnv('const v = process.env.X;')).toBe(true);
    expect(readsProcessEnv("const v = process['env'];")).toBe(true);
    expect(readsProcessEnv('const { env } = process;')).toBe(true);
    expect(readsProcessEnv('// process.env is read by config\nconst v = config.env;')).toBe(false);
    expect(filesUnder('common/').length).toBeGreaterThan(10);
    expect(filesUnder('modules/auth/').length).toBeGreaterThan(3);
  });

  it('src/common imports no module (modules get what they need from common, never the other way round)', () => {
    const offending = filesUnder('common/').flatMap((f) => importsOf(join(SRC, f), text.get(f)!).filter((i) => i.startsWith('modules/')).map((i) => `${f} → ${i}`));
    expect(offending).toEqual([]);
  });

  it('config is the only reader of process.env (the sandbox, its own program, reads its settings in its entry point)', () => {
    const allowed = (f: string) => f.startsWith('config/') || f === 'exact-sandbox/main.ts';
    const readers = [...text.entries()].filter(([f, t]) => !allowed(f) && readsProcessEnv(t)).map(([f]) => f);
    expect(readers).toEqual([]);
  });

  it('auth never imports users (users implements auth’s UserAccounts port; app.module wires the two)', () => {
    const offending = filesUnder('modules/auth/').flatMap((f) => importsOf(join(SRC, f), text.get(f)!).filter((i) => i.startsWith('modules/users/')).map((i) => `${f} → ${i}`));
    expect(offending).toEqual([]);
  });

  it('a unique violation becomes a field error through src/common/unique.ts only', () => {
    const own = [...text.entries()].filter(([f, t]) => f !== 'common/unique.ts' && !f.startsWith('exact-sandbox/') && /UniqueConstraintViolationException|\b23505\b/.test(t)).map(([f]) => f);
    expect(own).toEqual([]);
  });

  it('business dates come from the Clock (tests set it): no module takes "today" from the machine clock', () => {
    const own = filesUnder('modules/').filter((f) => /new Date\(\)\.toISOString\(\)\.slice\(0,\s*10\)|Date\.now\(\)\)?\.toISOString\(\)\.slice\(0,\s*10\)/.test(text.get(f)!));
    expect(own).toEqual([]);
  });

  it('finds the controller sins and foreign entity writes it checks for (the checks can fail)', () => {
    expect(controllerSins("import { EntityManager } from '@mikro-orm/postgresql';")).toEqual(['uses the ORM']);
    expect(controllerSins('const x = this.em.find(A);')).toEqual(['holds an EntityManager']);
    expect(controllerSins('const d = new Date();')).toEqual(['takes the machine clock']);
    expect(controllerSins('// new Date() is not used here\nrender(req, res, view);')).toEqual([]);
    const writer = "import { Location } from '../locations/location.entity.js';\nem.create(Location, {});";
    expect(foreignEntityWrites('modules/ledgers/x.ts', writer)).toEqual(["modules/ledgers/x.ts writes locations's Location"]);
    expect(foreignEntityWrites('modules/locations/x.ts', "import { Location } from './location.entity.js';\nem.create(Location, {});")).toEqual([]);
    expect(foreignEntityWrites('modules/ledgers/x.ts', "import { Location } from '../locations/location.entity.js';\nem.find(Location, {});")).toEqual([]);
  });

  it('controllers are thin: no EntityManager or ORM, no machine clock (reads and view models live in services and *.view.ts)', () => {
    const controllers = filesUnder('modules/').filter((f) => f.endsWith('.controller.ts'));
    expect(controllers.length).toBeGreaterThan(20);
    const sins = controllers.flatMap((f) => controllerSins(text.get(f)!).map((s) => `${f}: ${s}`));
    expect(sins).toEqual([]);
  });

  it('a module changes another module\'s entities only through that module\'s service', () => {
    const writes = filesUnder('modules/').flatMap((f) => foreignEntityWrites(f, text.get(f)!));
    expect(writes).toEqual([]);
  });
});
