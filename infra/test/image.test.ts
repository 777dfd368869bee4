// The image (infra/docker/Dockerfile) against the workspaces it is built from: every workspace builds
// to dist/ and its exports map points there, the manifests stage copies every package.json, the
// production stage leaves out exactly the workspaces no app runs on, the image runs as non-root, and
// its entrypoint runs each app there is.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEPLOYED_APPS,
  INFRA,
  REPO_ROOT,
  TOOL_APPS,
  appDirectories,
  isRecord,
  readText,
} from './infra-files';

interface PackageJson {
  name: string;
  workspaces?: string[];
  scripts?: Record<string, string>;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
}
const readPackage = (dir: string): PackageJson =>
  JSON.parse(readText(join(REPO_ROOT, dir, 'package.json'))) as PackageJson;

/** Workspace folders as the root package.json's globs name them (`apps/*`, `infra`). */
const workspaceDirs = (): string[] =>
  (readPackage('.').workspaces ?? []).flatMap((glob) => {
    if (!glob.endsWith('/*')) return [glob];
    const group = glob.slice(0, -2);
    return readdirSync(join(REPO_ROOT, group))
      .filter((name) => existsSync(join(REPO_ROOT, group, name, 'package.json')))
      .map((name) => `${group}/${name}`);
  });

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages and their instructions (continuation lines joined, comments dropped). */
const parseDockerfile = (text: string): Stage[] => {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const stages: Stage[] = [];
  for (const line of joined.split('\n')) {
    const match = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, keyword, args] = match as unknown as [string, string, string];
    if (keyword === 'FROM') {
      const [from, , name] = args.trim().split(/\s+/);
      stages.push({ name: name ?? String(stages.length), from: from!, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword, args: args.trim() });
    }
  }
  return stages;
};

const DOCKERFILE = readText(join(INFRA, 'docker', 'Dockerfile'));
const stages = parseDockerfile(DOCKERFILE);
const stage = (name: string): Stage => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`the Dockerfile has no stage ${name}`);
  return found;
};
const globToRegExp = (glob: string): RegExp =>
  new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]+')}$`);

/** The workspaces the apps run on: their @meetlink/* dependencies, transitively (devDependencies not). */
const productionWorkspaces = (dirs: readonly string[]): Set<string> => {
  const byName = new Map(dirs.map((dir) => [readPackage(dir).name, dir]));
  const wanted = new Set<string>();
  const visit = (dir: string): void => {
    if (wanted.has(dir)) return;
    wanted.add(dir);
    for (const dependency of Object.keys(readPackage(dir).dependencies ?? {})) {
      const workspace = byName.get(dependency);
      if (workspace) visit(workspace);
    }
  };
  for (const app of [...DEPLOYED_APPS.map((a) => a.name), ...TOOL_APPS]) visit(`apps/${app}`);
  return wanted;
};

describe('the workspaces the image is built from', () => {
  const packages = workspaceDirs().filter((dir) => dir.startsWith('packages/'));

  it('lists every app and package folder as a workspace', () => {
    expect(workspaceDirs()).toEqual(expect.arrayContaining(['infra', ...packages]));
    expect(packages.length).toBeGreaterThan(5);
  });

  it.each(workspaceDirs().filter((dir) => dir !== 'infra'))('%s builds with tsc into dist/', (dir) => {
    expect(readPackage(dir).scripts?.['build']).toBe('tsc -p tsconfig.build.json');
    const tsconfig = JSON.parse(readText(join(REPO_ROOT, dir, 'tsconfig.build.json'))) as {
      compilerOptions: { outDir: string; rootDir: string };
    };
    expect(tsconfig.compilerOptions).toMatchObject({ outDir: 'dist', rootDir: 'src' });
  });

  it.each(packages)('%s exports dist/ to everyone but the @meetlink/source condition', (dir) => {
    const exported = readPackage(dir).exports ?? {};
    expect(Object.keys(exported)).toEqual(['.']);
    const conditions = exported['.'];
    expect(isRecord(conditions)).toBe(true);
    for (const [condition, target] of Object.entries(conditions as Record<string, string>)) {
      if (condition === '@meetlink/source') expect(target).toBe('./src/index.ts');
      else expect(target).toMatch(/^\.\/dist\/index\.(js|d\.ts)$/);
    }
    expect(Object.keys(conditions as object)).toContain('default');
  });

  it.each([...DEPLOYED_APPS.map((app) => app.name), ...TOOL_APPS])(
    'apps/%s has the src/main.ts the entrypoint runs as dist/main.js',
    (app) => {
      expect(existsSync(join(REPO_ROOT, 'apps', app, 'src', 'main.ts'))).toBe(true);
    },
  );

  it('deploys every app, or names it a tool', () => {
    expect(appDirectories().sort()).toEqual([...DEPLOYED_APPS.map((a) => a.name), ...TOOL_APPS].sort());
  });
});

describe('the Dockerfile', () => {
  it("copies every workspace's package.json and the lock file before installing", () => {
    const copies = stage('manifests').instructions.filter((i) => i.keyword === 'COPY');
    const sources = copies.flatMap((copy) =>
      copy.args
        .split(/\s+/)
        .filter((arg) => !arg.startsWith('--'))
        .slice(0, -1),
    );
    const patterns = sources.map(globToRegExp);
    for (const file of [
      'package.json',
      'package-lock.json',
      ...workspaceDirs().map((dir) => `${dir}/package.json`),
    ])
      expect({ file, copied: patterns.some((pattern) => pattern.test(file)) }).toEqual({
        file,
        copied: true,
      });
    expect(copies.every((copy) => copy.args.startsWith('--parents '))).toBe(true);
  });

  it('builds with npm ci and turbo, running no install script', () => {
    const runs = stage('build')
      .instructions.filter((i) => i.keyword === 'RUN')
      .map((i) => i.args);
    expect(runs).toEqual(['npm ci --ignore-scripts', 'npm run build']);
    expect(readPackage('.').scripts?.['build']).toBe('turbo run build');
  });

  it('installs production dependencies without the workspaces no app runs on, and copies no dist/ of them', () => {
    const dirs = workspaceDirs();
    const production = productionWorkspaces(dirs);
    const others = dirs.filter((dir) => !production.has(dir)).sort();
    expect(others).toEqual(['infra', 'packages/fakes', 'packages/sandbox']);
    const install = stage('production-deps').instructions.find((i) => i.keyword === 'RUN')!.args;
    expect(
      install
        .match(/^rm -r ([^&]+)&&/)?.[1]
        ?.trim()
        .split(/\s+/)
        .sort(),
    ).toEqual(others);
    expect(install).toContain('--omit=dev');
    expect(install).toContain('--ignore-scripts');
    expect(install).toContain('npm pkg delete devDependencies --workspaces');
    const dist = stage('dist').instructions.find((i) => i.keyword === 'RUN')!.args;
    const skipped = /case "\$dir" in ([^)]+)\)/
      .exec(dist)?.[1]
      ?.split('|')
      .map((s) => s.trim());
    expect(skipped?.sort()).toEqual(others.filter((dir) => dir !== 'infra'));
    expect(dist).toContain('packages/email/templates');
  });

  it('ends with the runtime stage: no build tooling, the node user, the entrypoint picking the app', () => {
    const runtime = stages.at(-1)!;
    expect(runtime.name).toBe('runtime');
    expect(runtime.from).toBe('${NODE_IMAGE}');
    const keywords = runtime.instructions.map((i) => i.keyword);
    expect(keywords).not.toContain('RUN');
    expect(runtime.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args)).toEqual(['node']);
    expect(runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args)).toEqual([
      '--from=production-deps /app ./',
      '--from=dist /out ./',
      '--chmod=0755 infra/docker/entrypoint.sh /usr/local/bin/meetlink',
    ]);
    expect(runtime.instructions.find((i) => i.keyword === 'ENTRYPOINT')?.args).toBe('["meetlink"]');
  });

  it('leaves local state out of the build context', () => {
    const ignored = readText(join(REPO_ROOT, '.dockerignore')).split('\n');
    expect(ignored).toEqual(
      expect.arrayContaining(['**/node_modules', '**/dist', '.git', '.data', 'infra/secrets']),
    );
  });
});

describe('the entrypoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'meetlink-entrypoint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  /** Runs the entrypoint with `node` replaced by a script that prints what it was given. */
  const runEntrypoint = (args: string[], env: Record<string, string>): { status: number; output: string } => {
    const bin = join(dir, 'bin');
    execFileSync('mkdir', ['-p', bin]);
    writeFileSync(
      join(bin, 'node'),
      '#!/bin/sh\necho "node $*"\nenv | grep -E "^(ADMIN_TOKEN|SSL_CERT_FILE|X_FILE)" | sort\n',
      {
        mode: 0o755,
      },
    );
    try {
      const output = execFileSync('sh', [join(INFRA, 'docker', 'entrypoint.sh'), ...args], {
        encoding: 'utf8',
        env: { PATH: `${bin}:/usr/bin:/bin`, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return { status: 0, output };
    } catch (error) {
      const failed = error as { status: number; stderr: string };
      return { status: failed.status, output: failed.stderr };
    }
  };

  it.each([...DEPLOYED_APPS.map((app) => app.name), ...TOOL_APPS])('runs %s from its dist/main.js', (app) => {
    expect(runEntrypoint([app, '--flag'], {}).output).toContain(`node /app/apps/${app}/dist/main.js --flag`);
    expect(runEntrypoint([], { APP: app }).output).toContain(`node /app/apps/${app}/dist/main.js`);
  });

  it('reads a secret from VAR_FILE into VAR, and leaves other *_FILE variables alone', () => {
    const token = join(dir, 'admin-token');
    writeFileSync(token, 'from-the-file\n');
    const { output } = runEntrypoint(['intake-api'], {
      ADMIN_TOKEN_FILE: token,
      SSL_CERT_FILE: token,
      X_FILE: token,
    });
    expect(output).toContain('ADMIN_TOKEN=from-the-file\n');
    expect(output).not.toContain('ADMIN_TOKEN_FILE');
    expect(output).toContain(`SSL_CERT_FILE=${token}`);
    expect(output).toContain(`X_FILE=${token}`);
  });

  it('refuses an unknown app, and a VAR_FILE it cannot read', () => {
    expect(runEntrypoint(['nope'], {}).status).toBe(64);
    const unreadable = runEntrypoint(['intake-api'], { ADMIN_TOKEN_FILE: join(dir, 'missing') });
    expect(unreadable.status).toBe(1);
    expect(unreadable.output).toContain('ADMIN_TOKEN_FILE');
  });
});
