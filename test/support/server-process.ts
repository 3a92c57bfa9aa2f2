// Starts rolegate's HTTP server in a child process (server-process-main.ts), so that a test can
// flood it and read the peak memory of the server alone.
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export interface ServerMemory {
  /** Resident set size now, in bytes. */
  rss: number
  /** The highest resident set size the process has had, in bytes. */
  peakRss: number
  /** Connections the server holds open (node's count), if it can tell. */
  connections: number | undefined
}

export interface ServerProcess {
  port: number
  pid: number
  memory(): Promise<ServerMemory>
  /** Whether the process is still running (it did not crash, e.g. out of memory). */
  alive(): boolean
  stop(): Promise<void>
}

const MAIN = fileURLToPath(new URL('./server-process-main.ts', import.meta.url))

/** `options` are startServer's, without host and port, passed through as JSON. */
export async function startServerProcess(options: object = {}): Promise<ServerProcess> {
  const child: ChildProcess = fork(MAIN, [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  let exited = false
  const gone = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true
      resolve()
    }),
  )
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port))
    child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)))
  })
  return {
    port,
    pid: child.pid ?? 0,
    alive: () => !exited,
    memory: () =>
      new Promise<ServerMemory>((resolve, reject) => {
        if (exited) return reject(new Error('the server process is gone'))
        const onExit = () => reject(new Error('the server process exited'))
        child.once('exit', onExit)
        child.once('message', (message: ServerMemory) => {
          child.off('exit', onExit)
          resolve(message)
        })
        child.send('memory')
      }),
    async stop() {
      if (exited) return
      child.send('close')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await gone
      clearTimeout(timer)
    },
  }
}

/** Mebibytes, for messages. */
export const mib = (bytes: number) => Math.round(bytes / (1024 * 1024))
