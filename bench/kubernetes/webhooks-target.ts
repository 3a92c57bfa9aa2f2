// The rolegate under load for the webhook benchmark, in a child process of its own so the load
// generator does not share its event loop: HTTPS with the local CA (clusters are served over TLS
// only), SQLite in a temp dir, silent logs. It prints one JSON line once it listens.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { startRolegate } from '../../src/main.js'

const ADMIN_KEY = { accessKeyId: 'AKIDBENCHADMIN', secretAccessKey: 'bench-secret' }
const dataDir = mkdtempSync(join(tmpdir(), 'rolegate-bench-k8s-'))
const running = await startRolegate({
  host: '127.0.0.1',
  port: 0,
  dataDir,
  accountId: '123456789012',
  region: 'us-east-1',
  allowReset: false,
  adminKey: ADMIN_KEY,
  logger: pino({ level: 'silent' }),
  tls: {},
})
const stop = () => {
  void running.close().finally(() => {
    rmSync(dataDir, { recursive: true, force: true })
    process.exit(0)
  })
}
process.once('SIGTERM', stop)
process.once('SIGINT', stop)
process.stdout.write(
  `${JSON.stringify({ url: running.url, caFile: running.tls?.caFile, adminKey: ADMIN_KEY })}\n`,
)
