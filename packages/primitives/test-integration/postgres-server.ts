import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './redis-server.js';

const run = promisify(execFile);

/** A real PostgreSQL cluster on a free loopback port, in a throwaway data directory. */
export interface PostgresServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** initdb/pg_ctl: on the PATH, or in Debian's versioned directory. */
function binary(name: string): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const candidate = join(root, v, 'bin', name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return name;
}

/** `fsync: true` for measurements (tests run without it, for speed). */
export async function startPostgres(options: { fsync?: boolean } = {}): Promise<PostgresServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'tta-pg-'));
  const data = join(dir, 'data');
  // PostgreSQL refuses to run as root: run it as the `postgres` user when we are root.
  const asRoot = process.getuid?.() === 0;
  const as = async (cmd: string, args: string[]) => {
    if (!asRoot) return run(cmd, args);
    return run('runuser', ['-u', 'postgres', '--', cmd, ...args]);
  };
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const uid = Number(stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    await chown(dir, uid, gid);
    await chmod(dir, 0o700);
  }
  try {
    await as(binary('initdb'), ['-D', data, '-A', 'trust', '-U', 'tta', '--no-sync', '-E', 'UTF8']);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      'initdb failed: install PostgreSQL (Debian: apt-get install postgresql) to run these tests',
      { cause: error },
    );
  }
  const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${options.fsync === true ? '' : ' -c fsync=off'}`;
  await as(binary('pg_ctl'), [
    '-D',
    data,
    '-o',
    serverOptions,
    '-l',
    join(dir, 'log'),
    '-w',
    'start',
  ]);
  return {
    url: `postgres://tta@127.0.0.1:${port}/postgres`,
    async stop() {
      await as(binary('pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
