// Starts a throwaway PostgreSQL cluster for tests: a fresh data directory, a free loopback port,
// no durability (fsync off) for speed, and a watchdog that stops it if the test process dies.

import { spawn, spawnSync } from 'node:child_process'
import { accessSync, chownSync, constants, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import pg from 'pg'

export interface PostgresCluster {
  /** A connection string for a fresh, empty database in the cluster. */
  connectionString: string
  /** Makes another empty database in the cluster and returns its connection string. */
  createDatabase(name: string): Promise<string>
  stop(): Promise<void>
}

const findOnPath = (name: string): string | undefined => {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const file = join(dir, name)
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch {
      // not in this directory
    }
  }
  return undefined
}

const isRoot = process.getuid?.() === 0

const postgresUser = (): { uid: number; gid: number } | undefined => {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' })
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' })
  if (uid.status !== 0 || gid.status !== 0) return undefined
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

/** Why the cluster cannot start here, or undefined when it can; tests skip with this reason. */
export const postgresUnavailable = (): string | undefined => {
  const missing = ['initdb', 'pg_ctl'].filter((bin) => findOnPath(bin) === undefined)
  if (missing.length > 0) return `PostgreSQL binaries not found on PATH: ${missing.join(', ')}`
  if (isRoot && postgresUser() === undefined) {
    return 'running as root and there is no postgres user to run the server as'
  }
  return undefined
}

// PostgreSQL refuses to run as root, so as root every server command runs as the postgres user.
const asServerUser = (command: string, args: string[]): [string, string[]] =>
  isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]

const run = (command: string, args: string[], cwd: string): void => {
  const [file, argv] = asServerUser(command, args)
  const result = spawnSync(file, argv, { cwd, encoding: 'utf8' })
  if (result.status !== 0) {
    throw new Error(
      `${command} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`,
    )
  }
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port'))
        else resolve(address.port)
      })
    })
  })

export const startPostgres = async (): Promise<PostgresCluster> => {
  const dir = mkdtempSync(join(tmpdir(), 'rolegate-pg-'))
  const data = join(dir, 'data')
  if (isRoot) {
    const user = postgresUser()
    if (user === undefined) throw new Error('no postgres user')
    chownSync(dir, user.uid, user.gid)
  }
  const port = await freePort()
  const stopArgs = ['-D', data, 'stop', '-m', 'immediate', '-w']
  const [stopFile, stopArgv] = asServerUser('pg_ctl', stopArgs)
  let stopped = false

  const stopNow = (): void => {
    if (stopped) return
    stopped = true
    spawnSync(stopFile, stopArgv, { cwd: dir, stdio: 'ignore' })
    rmSync(dir, { recursive: true, force: true })
  }

  // The exit hook covers a normal exit or a thrown error; the watchdog covers SIGKILL and crashes.
  const onExit = (): void => stopNow()
  process.on('exit', onExit)
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`
  const watchdog = spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ` +
        `${[stopFile, ...stopArgv].map(quote).join(' ')} >/dev/null 2>&1; rm -rf ${quote(dir)}`,
    ],
    { detached: true, stdio: 'ignore' },
  )
  watchdog.unref()

  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync'], dir)
    run(
      'pg_ctl',
      [
        '-D',
        data,
        '-l',
        join(dir, 'server.log'),
        '-w',
        '-o',
        `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories=${dir} ` +
          '-c fsync=off -c full_page_writes=off -c synchronous_commit=off',
        'start',
      ],
      dir,
    )
  } catch (error) {
    stopNow()
    throw error
  }

  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`
  const createDatabase = async (name: string): Promise<string> => {
    const client = new pg.Client({ connectionString: urlFor('postgres') })
    await client.connect()
    try {
      await client.query(`create database "${name.replaceAll('"', '""')}"`)
    } finally {
      await client.end()
    }
    return urlFor(name)
  }

  let connectionString: string
  try {
    connectionString = await createDatabase('rolegate_test')
  } catch (error) {
    stopNow()
    throw error
  }

  return {
    connectionString,
    createDatabase,
    stop() {
      process.off('exit', onExit)
      stopNow()
      if (watchdog.pid !== undefined && watchdog.exitCode === null) watchdog.kill()
      return Promise.resolve()
    },
  }
}
