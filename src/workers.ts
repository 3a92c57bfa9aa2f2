// `rolegate serve --workers N`: the primary process prepares the state once, then N worker
// processes (node:cluster) serve the same port over the same database, each with its own caches.
// Stores notice each other's writes (SQLite data_version, PostgreSQL NOTIFY), so no cache outlives
// a change made through a sibling; a worker that crashes is replaced.
import cluster from 'node:cluster'
import type { Worker } from 'node:cluster'
import type { Logger } from 'pino'
import { defaultLogger, prepareState, startRolegate } from './main.js'
import type { PreparedState, RolegateConfig } from './main.js'

/** The configuration a worker can be sent: plain data, no logger, clock or id source. */
export type WorkerConfig = Omit<RolegateConfig, 'logger' | 'clock' | 'ids'>

type ToWorker = { kind: 'start'; config: WorkerConfig; quiet: boolean } | { kind: 'stop' }
type FromWorker =
  | { kind: 'ready' }
  | { kind: 'listening'; url: string; publicUrl: string }
  | { kind: 'failed'; error: string }

export interface RunningWorkers extends PreparedState {
  url: string
  publicUrl: string
  workers: number
  /** Stops every worker (each finishes its requests and writes its last recorded use). */
  close(): Promise<void>
}

const RESPAWN_DELAY_MS = 1000
const STOP_TIMEOUT_MS = 10_000

/** In the primary: prepares the state, forks `count` workers and resolves once all listen. */
export async function startWorkers(
  config: WorkerConfig,
  options: { count: number; quiet: boolean; logger?: Logger },
): Promise<RunningWorkers> {
  const logger = options.logger ?? defaultLogger(options.quiet)
  const prepared = await prepareState({ ...config, logger })
  // Workers start from what was prepared: the same admin key, the TLS files now on disk.
  const start: ToWorker = {
    kind: 'start',
    quiet: options.quiet,
    config: {
      ...config,
      adminKey: prepared.adminKey,
      sharedStore: true,
      tls: prepared.tls && { certFile: prepared.tls.certFile, keyFile: prepared.tls.keyFile },
    },
  }
  const workers = new Set<Worker>()
  let stopping = false

  const fork = (): Promise<{ url: string; publicUrl: string }> => {
    const worker = cluster.fork()
    workers.add(worker)
    const listening = new Promise<{ url: string; publicUrl: string }>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.kind === 'ready') worker.send(start)
        else if (message.kind === 'listening') resolve(message)
        else reject(new Error(message.error))
      })
      worker.once('exit', (code, signal) => {
        workers.delete(worker)
        reject(new Error(`worker exited (${signal ?? code}) before it listened`))
        if (stopping || (code === 0 && signal === null)) return
        logger.error({ worker: worker.id, code, signal }, 'worker died; starting another')
        setTimeout(() => {
          if (!stopping) fork().catch((error: unknown) => logger.error({ err: error }, 'respawn'))
        }, RESPAWN_DELAY_MS).unref()
      })
    })
    return listening
  }

  const close = async () => {
    stopping = true
    await Promise.all(
      [...workers].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve()
            const timer = setTimeout(() => worker.kill('SIGKILL'), STOP_TIMEOUT_MS)
            worker.once('exit', () => {
              clearTimeout(timer)
              resolve()
            })
            // A worker that lost its channel can still be told with a signal.
            if (worker.isConnected()) worker.send({ kind: 'stop' } satisfies ToWorker)
            else worker.kill('SIGTERM')
          }),
      ),
    )
  }

  try {
    const listening = await Promise.all(Array.from({ length: options.count }, fork))
    const first = listening[0]!
    return {
      ...prepared,
      url: first.url,
      publicUrl: first.publicUrl,
      workers: options.count,
      close,
    }
  } catch (error) {
    await close()
    throw error
  }
}

/** In a worker: waits for the primary's configuration, serves, and stops when told to. */
export function serveAsWorker(): Promise<{ close(): Promise<void> }> {
  return new Promise((resolve) => {
    const send = (message: FromWorker) => process.send?.(message)
    let stop: (() => Promise<void>) | undefined
    const exit = () => void (stop?.() ?? Promise.resolve()).finally(() => process.exit(0))
    // Told to stop, or orphaned: the primary is gone, so no one would replace or stop this worker.
    process.once('disconnect', exit)
    process.on('message', (message: ToWorker) => {
      if (message.kind === 'stop') return exit()
      const logger = defaultLogger(message.quiet).child({ worker: cluster.worker?.id })
      startRolegate({ ...message.config, logger }).then(
        (running) => {
          stop = () => running.close()
          send({ kind: 'listening', url: running.url, publicUrl: running.publicUrl })
          resolve({ close: stop })
        },
        (error: unknown) => {
          // The primary reports it, once for all workers; exit once the message is out.
          const text = error instanceof Error ? error.message : String(error)
          process.send?.({ kind: 'failed', error: text } satisfies FromWorker, () =>
            process.exit(1),
          )
        },
      )
    })
    // Only now: a message sent before this process listened for it would have been lost.
    send({ kind: 'ready' })
  })
}
