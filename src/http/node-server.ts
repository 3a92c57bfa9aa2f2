// The only place sockets exist: turns node:http requests into HttpRequest values for the app and
// writes its HttpResponse back.
import { createServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import type { App } from './app.js'
import type { HttpRequest } from './http-message.js'

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

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new BodyTooLarge())
        request.destroy()
        return
      }
      chunks.push(chunk)
    })
    // A Query request's body nearly always arrives in one chunk, which needs no copy.
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

/** Ordered [name, value] pairs as they came on the wire. */
function headerPairs(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string])
  return pairs
}

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/

/** IPv4 clients on a dual-stack socket show up as `::ffff:a.b.c.d`; policies want `a.b.c.d`. */
export const plainAddress = (address: string | undefined): string => {
  if (address === undefined) return ''
  return address.startsWith('::ffff:') ? address.replace(MAPPED_IPV4, '$1') : address
}

export async function toHttpRequest(
  request: IncomingMessage,
  maxBodyBytes: number,
): Promise<HttpRequest> {
  const target = request.url ?? '/'
  const mark = target.indexOf('?')
  return {
    method: request.method ?? 'GET',
    path: mark === -1 ? target : target.slice(0, mark),
    query: mark === -1 ? '' : target.slice(mark + 1),
    headers: headerPairs(request.rawHeaders),
    body: await readBody(request, maxBodyBytes),
    sourceIp: plainAddress(request.socket.remoteAddress),
    secure: 'encrypted' in request.socket && request.socket.encrypted === true,
  }
}

export function startServer(app: App, options: ServerOptions): Promise<RunningServer> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    toHttpRequest(request, maxBodyBytes)
      .then((httpRequest) => app.handle(httpRequest))
      .then((answer) => {
        // A known length lets node:http send head and body in one write instead of chunked frames.
        response.writeHead(answer.status, {
          ...answer.headers,
          'content-length': Buffer.byteLength(answer.body),
        })
        response.end(request.method === 'HEAD' ? undefined : answer.body)
      })
      .catch((error: unknown) => {
        const tooLarge = error instanceof BodyTooLarge
        if (!tooLarge) options.logger?.error({ err: error }, 'request failed outside the app')
        if (response.headersSent) {
          response.destroy()
          return
        }
        response.writeHead(tooLarge ? 413 : 500, {
          'content-type': 'text/plain',
          connection: 'close',
        })
        response.end(tooLarge ? 'Request body too large\n' : 'Internal error\n')
      })
  }
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : createServer(listener)
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
            server.closeAllConnections()
          }),
      })
    })
  })
}
