// The rolegate under test, as a child process so the load generator does not share its event loop:
// SQLite in a temp dir, silent logs, a public URL without a port (IAM wants https provider URLs;
// the built-in issuer's tokens are verified in process, so nothing is ever fetched from it).
// ROLEGATE_BENCH_WORKERS=N serves from N processes, as `rolegate serve --workers N` does.
import cluster from 'node:cluster'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { startRolegate } from '../../src/main.js'
import { serveAsWorker, startWorkers } from '../../src/workers.js'

const PUBLIC_URL = 'https://rolegate.invalid'
const ADMIN_KEY = { accessKeyId: 'AKIDBENCHADMIN', secretAccessKey: 'bench-secret' }
const workers = Number(process.env['ROLEGATE_BENCH_WORKERS'] ?? '1')

/** With ROLEGATE_BENCH_PROFILE=DIR, SIGUSR2 starts the CPU profiler and the next one writes it. */
async function profileOnSignal(profileDir: string): Promise<void> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  let profiling = false
  let written = 0
  process.on('SIGUSR2', () => {
    profiling = !profiling
    const step = profiling
      ? session.post('Profiler.start')
      : session.post('Profiler.stop').then(({ profile }) => {
          const file = join(profileDir, `rolegate-${++written}.cpuprofile`)
          writeFileSync(file, JSON.stringify(profile))
          process.stdout.write(`${JSON.stringify({ profile: file })}\n`)
        })
    step.catch((error: unknown) => console.error('profiler:', error))
  })
}

if (cluster.isWorker) {
  await serveAsWorker()
} else {
  const dataDir = mkdtempSync(join(tmpdir(), 'rolegate-bench-'))
  const config = {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    accountId: '123456789012',
    region: 'us-east-1',
    publicUrl: PUBLIC_URL,
    allowReset: false,
    adminKey: ADMIN_KEY,
  }
  const logger = pino({ level: 'silent' })
  const running =
    workers > 1
      ? await startWorkers(config, { count: workers, quiet: true, logger })
      : await startRolegate({ ...config, logger })
  const stop = () => {
    void running.close().finally(() => {
      rmSync(dataDir, { recursive: true, force: true })
      process.exit(0)
    })
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  // A profile of one measurement only, without start-up or warm-up (one process only).
  const profileDir = process.env['ROLEGATE_BENCH_PROFILE']
  if (profileDir !== undefined && workers === 1) await profileOnSignal(profileDir)

  // The orchestrator sets the target up through the API with this key.
  process.stdout.write(
    `${JSON.stringify({ url: running.url, publicUrl: PUBLIC_URL, adminKey: ADMIN_KEY })}\n`,
  )
}
