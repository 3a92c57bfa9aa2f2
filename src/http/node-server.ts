// The only place sockets exist: a net (or tls) server whose connections speak HTTP/1.1 through
// our own parser (http1-*.ts), turning requests into HttpRequest values and answers into bytes.
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import type { Logger } from 'pino'
import type { App } from './app.js'
import { NODE_TIMEOUTS, serveHttp1 } from './http1-connection.js'

export { plainAddress } from './http1-connection.js'

export interface ServerOptions {
  host: string
  /** 0 picks a free port. */
  port: number
  /** Larger bodies are refused with 413; SAML metadata documents may reach 10 MB. */
  maxBodyBytes?: number
  logger?: Logger
  /** Serve HTTPS with this PEM certificate chain and private key. */
  tls?: { cert: string; key: string } | undefined
}

export interface RunningServer {
  /** `http://HOST:PORT` (`https://` with TLS) with the port actually bound. */
  url: string
  host: string
  port: number
  /** Stops accepting, drops idle keep-alive connections and resolves once closed. */
  close(): Promise<void>
}

const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024
/** node:http's default limit on a request's head. */
const MAX_HEADER_BYTES = 16 * 1024

export function startServer(app: App, options: ServerOptions): Promise<RunningServer> {
  // Half-open: a client may end its side right after a request and still read the answer.
  const socketOptions = { allowHalfOpen: true, noDelay: true }
  const server = options.tls
    ? createTlsServer({ ...socketOptions, cert: options.tls.cert, key: options.tls.key })
    : createServer(socketOptions)
  const service = serveHttp1(server, {
    app,
    limits: {
      maxHeaderBytes: MAX_HEADER_BYTES,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    },
    secure: options.tls !== undefined,
    timeouts: NODE_TIMEOUTS,
    logger: options.logger,
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      const address = server.address() as AddressInfo
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
      resolve({
        url: `${options.tls ? 'https' : 'http'}://${host}:${address.port}`,
        host: address.address,
        port: address.port,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()))
            service.closeConnections()
          }),
      })
    })
  })
}
