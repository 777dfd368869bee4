// The dependency rules in .dependency-cruiser.mjs: the tree as it is passes the check that
// `npm run lint` runs, and a fixture tree that breaks each rule fails it, naming the rule. The
// fixture lives under the OS temp dir, never inside this tree, and is removed afterwards.
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}
interface Cruise {
  status: number | null;
  /** What lint prints. */
  report: string;
  errors: Violation[];
  totalCruised: number;
}

const run = (cwd: string, args: string[]) => {
  const child = spawnSync(process.execPath, [DEPCRUISE, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (child.error) throw child.error;
  return child;
};

/** Runs depcruise twice: as given (its exit status, as lint sees it) and with JSON output (the violations). */
const cruise = (cwd: string, args: string[]): Cruise => {
  const asLint = run(cwd, args);
  const asJson = run(cwd, [...args, '--output-type', 'json']);
  let output: { summary: { violations: Violation[]; totalCruised: number } };
  try {
    output = JSON.parse(asJson.stdout) as typeof output;
  } catch {
    throw new Error(
      `depcruise printed no JSON (exit ${String(asJson.status)}):\n${asJson.stdout}\n${asJson.stderr}`,
    );
  }
  return {
    status: asLint.status,
    report: asLint.stdout + asLint.stderr,
    errors: output.summary.violations.filter((v) => v.rule.severity === 'error'),
    totalCruised: output.summary.totalCruised,
  };
};

/** The depcruise arguments of the root `lint` script, so the test runs what lint runs. */
const lintArgs = (): string[] => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { lint: string } };
  const match = /(?:^|&&\s*)depcruise\s+([^&|;]+)/.exec(pkg.scripts.lint);
  if (!match?.[1]) throw new Error(`the lint script runs no depcruise: ${pkg.scripts.lint}`);
  return match[1].trim().split(/\s+/);
};

describe('dependency rules of the real tree', () => {
  it('npm run lint runs depcruise with .dependency-cruiser.mjs over the whole tree', () => {
    const args = lintArgs();
    expect(args).toEqual(expect.arrayContaining(['--config', '.dependency-cruiser.mjs']));
    expect(args[args.length - 1]).toBe('.');
  });

  it('passes: the tree has no violation', () => {
    const result = cruise(ROOT, lintArgs());
    expect(result.errors).toEqual([]);
    expect(result.status).toBe(0);
    expect(result.totalCruised).toBeGreaterThan(100); // it saw the tree, not an empty folder
  });
});

// ----- a fixture tree with the same workspaces, linked like npm links them -----

const APPS = ['intake-api', 'email-worker'];
const PACKAGES = [
  'zoom',
  'calendar',
  'email',
  'connections',
  'ports',
  'store',
  'queue',
  'events',
  'errors',
  'config',
  'observability',
  'fakes',
  'sandbox',
];

interface Case {
  file: string;
  source: string;
  /** The rule that must fail, or null for an import that is allowed. */
  rule: string | null;
  /** Where the offending edge points (a path prefix), when the file has more than one import. */
  to?: string;
}

const FORBIDDEN: Case[] = [
  {
    file: 'packages/events/src/uses-zoom.ts',
    source: "import { face } from '@meetlink/zoom';\nexport const x = face;\n",
    rule: 'events-depends-on-nothing',
  },
  {
    file: 'packages/queue/src/uses-zoom-type.ts',
    source: "import type { Face } from '@meetlink/zoom';\nexport type X = Face;\n",
    rule: 'core-not-upward',
  },
  {
    file: 'packages/queue/src/uses-store.ts',
    source: "import { face } from '@meetlink/store';\nexport const x = face;\n",
    rule: 'core-not-sideways',
  },
  {
    file: 'packages/zoom/src/uses-calendar.ts',
    source: "import { face } from '@meetlink/calendar';\nexport const x = face;\n",
    rule: 'adapters-not-sideways',
  },
  {
    file: 'packages/connections/src/uses-email.ts',
    source: "import { face } from '@meetlink/email';\nexport const x = face;\n",
    rule: 'adapters-not-sideways',
  },
  {
    file: 'packages/calendar/src/join-block.ts',
    source:
      "import { face } from '@meetlink/email';\nimport { face as zoom } from '@meetlink/zoom';\nexport const x = [face, zoom];\n",
    rule: 'adapters-not-sideways',
    to: 'packages/zoom/',
  },
  {
    file: 'packages/ports/src/uses-events-value.ts',
    source: "import { face } from '@meetlink/events';\nexport type X = typeof face;\n",
    rule: 'ports-types-only',
  },
  {
    file: 'packages/ports/src/uses-errors-type.ts',
    source: "import type { Face } from '@meetlink/errors';\nexport type X = Face;\n",
    rule: 'ports-only-events',
  },
  {
    file: 'packages/errors/src/uses-config.ts',
    source: "import { face } from '@meetlink/config';\nexport const x = face;\n",
    rule: 'base-not-sideways',
  },
  {
    file: 'packages/config/test/uses-queue.test.ts',
    source: "import { face } from '@meetlink/queue';\nexport const x = face;\n",
    rule: 'base-not-upward',
  },
  {
    file: 'apps/intake-api/src/uses-fakes.ts',
    source: "import { face } from '@meetlink/fakes';\nexport const x = face;\n",
    rule: 'no-test-code-in-production',
  },
  {
    file: 'packages/store/src/uses-sandbox-type.ts',
    source: "import type { Face } from '@meetlink/sandbox';\nexport type X = Face;\n",
    rule: 'no-test-code-in-production',
  },
  {
    file: 'apps/email-worker/src/uses-intake-api.ts',
    source: "import { face } from '../../intake-api/src/index';\nexport const x = face;\n",
    rule: 'apps-not-to-other-apps',
  },
  {
    file: 'packages/store/test/uses-app.test.ts',
    source: "import { face } from '../../../apps/intake-api/src/index';\nexport const x = face;\n",
    rule: 'packages-not-to-apps',
  },
  {
    file: 'packages/calendar/src/deep-by-name.ts',
    source: "import { inner } from '@meetlink/errors/src/inner';\nexport const x = inner;\n",
    rule: 'no-deep-import',
  },
  {
    file: 'packages/calendar/src/deep-by-path.ts',
    source: "import { inner } from '../../errors/src/inner';\nexport const x = inner;\n",
    rule: 'no-deep-import',
  },
  {
    file: 'scripts/uses-app.ts',
    source: "import { face } from '../apps/intake-api/src/index';\nexport const x = face;\n",
    rule: 'no-deep-import',
  },
  {
    file: 'apps/intake-api/src/relative-face.ts',
    source: "import { face } from '../../../packages/events/src/index';\nexport const x = face;\n",
    rule: 'no-relative-import-across-workspaces',
  },
  {
    file: 'packages/observability/src/cycle-a.ts',
    source: "import type { B } from './cycle-b';\nexport type A = { b?: B };\n",
    rule: 'no-circular',
  },
  {
    file: 'apps/intake-api/src/unknown-package.ts',
    source: "import { face } from '@meetlink/nope';\nexport const x = face;\n",
    rule: 'meetlink-must-resolve',
  },
];

const ALLOWED: Case[] = [
  {
    file: 'apps/intake-api/src/main.ts',
    source:
      "import { face as a } from '@meetlink/zoom';\nimport { face as b } from '@meetlink/calendar';\n" +
      "import { face as c } from '@meetlink/email';\nimport { face as d } from '@meetlink/connections';\n" +
      "import type { Face } from '@meetlink/ports';\nimport { face as e } from '@meetlink/store';\n" +
      "import { face as f } from '@meetlink/queue';\nimport { face as g } from '@meetlink/events';\n" +
      "import { face as h } from '@meetlink/errors';\nimport { face as i } from '@meetlink/config';\n" +
      "import { face as j } from '@meetlink/observability';\n" +
      'export const all: Face[] = [a, b, c, d, e, f, g, h, i, j];\n',
    rule: null,
  },
  {
    file: 'packages/zoom/src/uses-lower-levels.ts',
    source:
      "import type { Face } from '@meetlink/ports';\nimport { face as q } from '@meetlink/queue';\n" +
      "import { face as s } from '@meetlink/store';\nimport { face as e } from '@meetlink/events';\n" +
      "import { face as r } from '@meetlink/errors';\nexport const x: Face[] = [q, s, e, r];\n",
    rule: null,
  },
  {
    file: 'packages/queue/src/uses-ports.ts',
    source: "import type { Face } from '@meetlink/ports';\nexport type X = Face;\n",
    rule: null,
  },
  {
    file: 'packages/connections/src/reconnect-notice.ts',
    source: "import { face } from '@meetlink/email';\nexport const x = face;\n",
    rule: null, // the one allowed sideways edge for escapeHtml
  },
  {
    file: 'apps/intake-api/src/uses-fakes.test.ts',
    source: "import { face } from '@meetlink/fakes';\nexport const x = face;\n",
    rule: null,
  },
  {
    file: 'apps/intake-api/test/harness.ts',
    source:
      "import { face } from '@meetlink/sandbox';\nimport { face as z } from '@meetlink/zoom';\nexport const x = [face, z];\n",
    rule: null,
  },
  {
    file: 'packages/sandbox/src/uses-fakes.ts',
    source: "import { face } from '@meetlink/fakes';\nexport const x = face;\n",
    rule: null,
  },
  {
    file: 'e2e/uses-fakes.test.ts',
    source:
      "import { face } from '@meetlink/fakes';\nimport { face as s } from '@meetlink/sandbox';\nexport const x = [face, s];\n",
    rule: null,
  },
  {
    file: 'bench/measures-app.ts',
    source: "import { face } from '../apps/email-worker/src/index';\nexport const x = face;\n",
    rule: null, // benchmarks measure an app's own code in-process
  },
  {
    file: 'packages/ports/src/uses-events-type.ts',
    source: "import type { Face } from '@meetlink/events';\nexport type X = Face;\n",
    rule: null,
  },
];

const writeFile = (root: string, file: string, text: string) => {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
};

const writeFixture = (root: string) => {
  writeFile(
    root,
    'package.json',
    JSON.stringify({ name: 'fixture', private: true, workspaces: ['packages/*', 'apps/*'] }),
  );
  const workspaces = [...APPS.map((name) => `apps/${name}`), ...PACKAGES.map((name) => `packages/${name}`)];
  for (const dir of workspaces) {
    const name = dir.split('/')[1] ?? dir;
    const exportsMap = dir.startsWith('packages/')
      ? { exports: { '.': { '@meetlink/source': './src/index.ts' } } }
      : {};
    writeFile(root, `${dir}/package.json`, JSON.stringify({ name: `@meetlink/${name}`, ...exportsMap }));
    writeFile(root, `${dir}/src/index.ts`, `export const face = '${name}';\nexport type Face = string;\n`);
    mkdirSync(join(root, 'node_modules', '@meetlink'), { recursive: true });
    symlinkSync(join('..', '..', dir), join(root, 'node_modules', '@meetlink', name), 'dir');
  }
  writeFile(root, 'packages/errors/src/inner.ts', 'export const inner = 1;\n');
  // The other half of cycle-a.ts's cycle (reported once, from cycle-a.ts).
  writeFile(
    root,
    'packages/observability/src/cycle-b.ts',
    "import type { A } from './cycle-a';\nexport type B = { a?: A };\n",
  );
  for (const { file, source } of [...FORBIDDEN, ...ALLOWED]) writeFile(root, file, source);
};

describe('dependency rules on a fixture tree that breaks them', () => {
  let fixture: string;
  let result: Cruise;

  beforeAll(() => {
    fixture = realpathSync(mkdtempSync(join(tmpdir(), 'meetlink-depcruise-')));
    const fromRoot = relative(ROOT, fixture);
    if (!fromRoot.startsWith('..') && !isAbsolute(fromRoot))
      throw new Error(`fixture inside the tree: ${fixture}`);
    writeFixture(fixture);
    result = cruise(fixture, ['--config', CONFIG, '.']);
  });

  afterAll(() => {
    if (fixture) rmSync(fixture, { recursive: true, force: true });
  });

  it('fails the check, as lint prints it', () => {
    expect(result.status).not.toBe(0);
    expect(result.report).toContain(
      'error events-depends-on-nothing: packages/events/src/uses-zoom.ts → packages/zoom/src/index.ts',
    );
  });

  it.each(FORBIDDEN.map((c) => [c.file, c.rule, c] as const))('%s fails %s', (_file, _rule, c) => {
    const named = result.errors.filter(
      (v) => v.from === c.file && v.rule.name === c.rule && (c.to === undefined || v.to.startsWith(c.to)),
    );
    expect(named).not.toEqual([]);
  });

  it.each(ALLOWED.map((c) => [c.file, c] as const))('%s is allowed', (_file, c) => {
    expect(
      result.errors.filter((v) => v.from === c.file && (c.to === undefined || v.to.startsWith(c.to))),
    ).toEqual([]);
  });

  it('packages/calendar/src/join-block.ts → @meetlink/email (escapeHtml) is allowed', () => {
    const file = 'packages/calendar/src/join-block.ts';
    expect(result.errors.filter((v) => v.from === file && v.to.startsWith('packages/email/'))).toEqual([]);
  });

  it('reports nothing else', () => {
    const expected = new Set(FORBIDDEN.map((c) => c.file));
    expect(result.errors.filter((v) => !expected.has(v.from))).toEqual([]);
  });
});
