// The child side of server-process.ts: rolegate's HTTP server alone in a process, with a trivial
// app and the options passed as JSON, so a test can measure this process's memory and nothing else.
import type { App } from '../../src/http/app.js'
import { startServer } from '../../src/http/node-server.js'

/** What GET /big answers: large enough that a client which never reads fills its socket. */
const BIG = 'b'.repeat(1024 * 1024)

const app: App = {
  handle: async (request) => ({
    status: 200,
    headers: { 'content-type': 'text/plain' },
    body:
      request.path === '/big' ? BIG : `${request.method} ${request.path} ${request.body.length}`,
  }),
}

const options = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>
const server = await startServer(app, { host: '127.0.0.1', port: 0, ...options })

/** The open connections node counts. */
const connections = () =>
  new Promise<number | undefined>((resolve) =>
    server.node.getConnections((error, count) => resolve(error ? undefined : count)),
  )

process.on('message', (message: string) => {
  if (message === 'memory') {
    void connections().then((count) =>
      process.send?.({
        rss: process.memoryUsage.rss(),
        // getrusage's ru_maxrss: the peak resident set size, in KiB (node's docs).
        peakRss: process.resourceUsage().maxRSS * 1024,
        connections: count,
      }),
    )
  } else if (message === 'close') {
    void server.close().then(() => process.exit(0))
  }
})
process.send?.({ port: server.port })
