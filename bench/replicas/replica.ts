// One rolegate replica on a PostgreSQL database, in a process of its own as replicas run: the
// benchmark's A and B, or a replica whose requests/s are measured. Its settings come in the
// environment; it prints one JSON line with its URL once it listens, and logs warnings (the
// episodes in which it could not hear the others) on stderr.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { startRolegate } from '../../src/main.js'
import { BENCH_ADMIN_KEY } from './admin-key.js'

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is not set`)
  return value
}
const optionalNumber = (name: string): number | undefined =>
  process.env[name] === undefined ? undefined : Number(process.env[name])

const dataDir = mkdtempSync(join(tmpdir(), 'rolegate-bench-replica-'))
const running = await startRolegate({
  host: '127.0.0.1',
  port: 0,
  dataDir,
  databaseUrl: env('ROLEGATE_BENCH_DATABASE_URL'),
  masterKey: env('ROLEGATE_MASTER_KEY'),
  accountId: '123456789012',
  region: 'us-east-1',
  allowReset: false,
  adminKey: BENCH_ADMIN_KEY,
  logger: pino({ level: 'warn' }, pino.destination(2)),
  maxStalenessMs: optionalNumber('ROLEGATE_BENCH_MAX_STALENESS_MS'),
  listenerHeartbeatMs: optionalNumber('ROLEGATE_BENCH_HEARTBEAT_MS'),
})
const stop = () => {
  void running.close().finally(() => {
    rmSync(dataDir, { recursive: true, force: true })
    process.exit(0)
  })
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
process.stdout.write(`${JSON.stringify({ url: running.url })}\n`)
