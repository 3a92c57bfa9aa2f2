// Serves HTTP/1.1 on the connections of a net or tls server: bytes in through the parser, one
// request at a time to the app, its answer back in one write; timeouts, backpressure and closing.
import type { Server, Socket } from 'node:net'
import type { Logger } from 'pino'
import type { App } from './app.js'
import type { HttpResponse } from './http-message.js'
import { Http1Parser, HttpProtocolError } from './http1-parser.js'
import type { Http1Limits, RequestHead } from './http1-parser.js'
import { CONTINUE, closingResponse, httpDate, serializeResponse } from './http1-response.js'

export interface Http1Timeouts {
  /** An idle keep-alive connection is closed after this long (node: 5 s). */
  keepAliveMs: number
  /** A request's head must be in this long after its first byte (node: 60 s). */
  headersMs: number
  /** A whole request must be in this long after its first byte (node: 300 s). */
  requestMs: number
  /** A connection being closed is destroyed if the client has not closed its side by then. */
  lingerMs: number
  /** How often the timeouts are checked: one timer for all connections, not one per request. */
  sweepMs: number
}

export const NODE_TIMEOUTS: Http1Timeouts = {
  keepAliveMs: 5_000,
  headersMs: 60_000,
  requestMs: 300_000,
  lingerMs: 5_000,
  sweepMs: 1_000,
}

export interface Http1Settings {
  app: App
  limits: Http1Limits
  /** Connections come from a tls server (aws:SecureTransport). */
  secure: boolean
  timeouts: Http1Timeouts
  logger?: Logger | undefined
}

export interface Http1Service {
  /** Destroys every connection, busy or idle, and stops the timeout checks. */
  closeConnections(): void
}

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/

/** IPv4 clients on a dual-stack socket show up as `::ffff:a.b.c.d`; policies want `a.b.c.d`. */
export const plainAddress = (address: string | undefined): string => {
  if (address === undefined) return ''
  return address.startsWith('::ffff:') ? address.replace(MAPPED_IPV4, '$1') : address
}

/** Handles the connections `server` accepts (`secureConnection` ones for a tls server). */
export function serveHttp1(server: Server, settings: Http1Settings): Http1Service {
  const connections = new Set<Connection>()
  // Every TCP socket, including TLS ones still in their handshake, so that closing misses none.
  const sockets = new Set<Socket>()
  let closed = false
  const sweep = setInterval(() => {
    const now = Date.now()
    for (const connection of connections) connection.checkTimeouts(now)
  }, settings.timeouts.sweepMs)
  sweep.unref()
  server.on('connection', (socket: Socket) => {
    if (closed) return void socket.destroy()
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  server.on(settings.secure ? 'secureConnection' : 'connection', (socket: Socket) => {
    if (closed) return void socket.destroy()
    const connection = new Connection(socket, settings)
    connections.add(connection)
    socket.once('close', () => connections.delete(connection))
  })
  server.once('close', () => clearInterval(sweep))
  return {
    closeConnections() {
      closed = true
      clearInterval(sweep)
      for (const connection of connections) connection.socket.destroy()
      for (const socket of sockets) socket.destroy()
      connections.clear()
      sockets.clear()
    },
  }
}

class Connection {
  private readonly parser: Http1Parser
  private readonly sourceIp: string
  /** A request is with the app, or its answer waits for the socket to drain. */
  private busy = false
  private paused = false
  /** No more requests: the socket was ended after a final answer. */
  private closing = false
  /** The client ended its side; answer what was received, then close. */
  private peerEnded = false
  /** When the request being received started, or 0 when none is. */
  private requestStart: number
  /** When the connection fell idle between requests, or 0. */
  private idleSince = 0
  private closingSince = 0
  /** The head a 100 Continue was sent for. */
  private continued: RequestHead | undefined

  constructor(
    readonly socket: Socket,
    private readonly settings: Http1Settings,
  ) {
    this.parser = new Http1Parser(settings.limits)
    this.sourceIp = plainAddress(socket.remoteAddress)
    this.requestStart = Date.now()
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('end', () => this.onEnd())
    // ECONNRESET, EPIPE and the like end this connection only; 'close' follows and cleans up.
    socket.on('error', () => socket.destroy())
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return
    if (this.idleSince !== 0) {
      this.idleSince = 0
      this.requestStart = Date.now()
    }
    this.parser.feed(chunk)
    if (this.busy) {
      // A pipelined request waits until the one before it is answered; stop reading meanwhile.
      this.pause()
      return
    }
    this.pump()
  }

  private onEnd(): void {
    this.peerEnded = true
    if (!this.busy && !this.closing) this.close()
  }

  private pause(): void {
    if (!this.paused) {
      this.paused = true
      this.socket.pause()
    }
  }

  /** Parses the next request, if all of it is in, and hands it to the app. */
  private pump(): void {
    let request
    try {
      request = this.parser.next()
    } catch (error) {
      this.refuse(error)
      return
    }
    if (request === undefined) {
      const head = this.parser.waitingHead
      if (head?.expectContinue && this.continued !== head) {
        this.continued = head
        this.socket.write(CONTINUE)
      }
      return
    }
    this.busy = true
    this.requestStart = 0
    const { head, body } = request
    const target = head.target
    const mark = target.indexOf('?')
    let answer: Promise<HttpResponse>
    try {
      answer = this.settings.app.handle({
        method: head.method,
        path: mark === -1 ? target : target.slice(0, mark),
        query: mark === -1 ? '' : target.slice(mark + 1),
        headers: head.headers,
        body,
        sourceIp: this.sourceIp,
        secure: this.settings.secure,
      })
    } catch (error) {
      this.fail(error)
      return
    }
    answer.then(
      (response) => this.respond(head, response),
      (error: unknown) => this.fail(error),
    )
  }

  private respond(head: RequestHead, response: HttpResponse): void {
    if (this.socket.destroyed) return
    const now = Date.now()
    const keepAlive = head.keepAlive && !this.peerEnded
    let text: string
    try {
      text = serializeResponse(response, {
        head: head.method === 'HEAD',
        keepAlive,
        date: httpDate(now),
      })
    } catch (error) {
      this.fail(error)
      return
    }
    const flushed = this.socket.write(text)
    if (!keepAlive) {
      this.close()
      return
    }
    if (flushed) this.next(now)
    else {
      this.pause()
      this.socket.once('drain', () => this.next(Date.now()))
    }
  }

  /** After an answer went out: the next pipelined request, or idle until one comes. */
  private next(now: number): void {
    this.busy = false
    if (this.paused) {
      this.paused = false
      this.socket.resume()
    }
    if (this.parser.idle) this.idleSince = now
    else {
      this.requestStart = now
      this.pump()
    }
    if (this.peerEnded && !this.busy) this.close()
  }

  private fail(error: unknown): void {
    this.settings.logger?.error({ err: error }, 'request failed outside the app')
    this.finalAnswer(closingResponse(500, 'Internal error\n'))
  }

  private refuse(error: unknown): void {
    if (!(error instanceof HttpProtocolError)) {
      this.fail(error)
      return
    }
    this.finalAnswer(
      error.status === 413
        ? closingResponse(413, 'Request body too large\n')
        : closingResponse(error.status),
    )
  }

  private finalAnswer(text: string): void {
    if (this.socket.destroyed) return
    this.socket.write(text)
    this.close()
  }

  /**
   * Ends our side after what was written, and keeps reading (and dropping) what the client still
   * sends, so that unread bytes do not turn the close into a reset that could lose the answer.
   */
  private close(): void {
    if (this.closing) return
    this.closing = true
    this.busy = false
    this.closingSince = Date.now()
    if (this.paused) {
      this.paused = false
      this.socket.resume()
    }
    this.socket.end()
  }

  checkTimeouts(now: number): void {
    const { timeouts } = this.settings
    if (this.closing) {
      if (now - this.closingSince >= timeouts.lingerMs) this.socket.destroy()
    } else if (this.idleSince !== 0) {
      if (now - this.idleSince >= timeouts.keepAliveMs) this.socket.destroy()
    } else if (this.requestStart !== 0 && !this.busy) {
      const elapsed = now - this.requestStart
      const headIn = this.parser.waitingHead !== undefined
      if ((!headIn && elapsed >= timeouts.headersMs) || elapsed >= timeouts.requestMs) {
        this.finalAnswer(closingResponse(408))
      }
    }
  }
}
