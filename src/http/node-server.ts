// The only place sockets exist: node:http (node:https with TLS) frames HTTP/1.1 with llhttp, and this
// module hands each request to the app as an HttpRequest, writes its answer back, and sets every
// size and time limit the server has (README, "Limits").
import { randomUUID } from 'node:crypto'
import { createServer, STATUS_CODES } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import type { Logger } from 'pino'
import { AwsError } from '../core/errors.js'
import type { ErrorCode } from '../core/errors.js'
import type { App } from './app.js'
import { INTERNAL_FAILURE_MESSAGE } from './app.js'
import type { HttpRequest, HttpResponse } from './http-message.js'
import { IAM_NAMESPACE } from './query-service.js'
import { BodyBudget, declaredLength, readBody } from './request-body.js'
import type { BodyRefusal } from './request-body.js'
import { xmlEncoder } from './xml.js'

export interface ServerLimits {
  /** Request line and header fields together (llhttp's count); more is refused with 431. */
  maxHeaderBytes: number
  /** One request's body; more is refused with 413 before the app sees the request. */
  maxBodyBytes: number
  /** Bytes held for bodies across all requests in progress; past it a request gets 503. */
  maxBufferedBodyBytes: number
  /** Open connections (node's server.maxConnections); past it a new one is closed at once. */
  maxConnections: number
  /** Requests served on one connection; the last answer says `Connection: close`. */
  maxRequestsPerSocket: number
  /** Requests waiting on one connection behind the one being answered; more closes it. */
  maxPipelinedRequests: number
  /** From a request's first byte (or the connection's start) to the end of its head; then 408. */
  headersTimeoutMs: number
  /** From a request's first byte to the end of its body; then 408. */
  requestTimeoutMs: number
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number
  /** A connection with no bytes moving either way (e.g. a client that never reads) is destroyed. */
  socketIdleTimeoutMs: number
  /** A TLS handshake must be done within this long. */
  tlsHandshakeTimeoutMs: number
  /** How often node checks the header and request timeouts; they fire up to this much late. */
  timeoutCheckIntervalMs: number
}

/** The limits `rolegate serve` runs with; the README's "Limits" table lists them with their answers. */
export const SERVER_LIMITS: Readonly<ServerLimits> = Object.freeze({
  maxHeaderBytes: 16 * 1024,
  // SAML metadata documents may reach 10 MB, and grow when form-encoded.
  maxBodyBytes: 16 * 1024 * 1024,
  maxBufferedBodyBytes: 64 * 1024 * 1024,
  maxConnections: 4096,
  maxRequestsPerSocket: 1000,
  maxPipelinedRequests: 32,
  headersTimeoutMs: 30_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  socketIdleTimeoutMs: 120_000,
  tlsHandshakeTimeoutMs: 30_000,
  timeoutCheckIntervalMs: 1_000,
})

/**
 * After a body is refused, its remaining bytes are read and dropped for this long, so that the
 * client, still sending, gets to read the answer; closing at once with unread bytes would reset the
 * connection and could lose it.
 */
const REFUSED_BODY_LINGER_MS = 2_000

export interface ServerOptions {
  host: string
  /** 0 picks a free port. */
  port: number
  /** Overrides of SERVER_LIMITS (tests use short timeouts). */
  limits?: Partial<ServerLimits> | undefined
  logger?: Logger | undefined
  /** Serve HTTPS with this PEM certificate chain and private key. */
  tls?: { cert: string; key: string } | undefined
}

export interface RunningServer {
  /** `http://HOST:PORT` (`https://` with TLS) with the port actually bound. */
  url: string
  host: string
  port: number
  /** The limits in force. */
  limits: Readonly<ServerLimits>
  /** node's server, to read its settings; rolegate drives it, nothing else should. */
  node: Server
  /** Stops accepting, destroys every connection (idle, busy or mid-handshake), resolves once closed. */
  close(): Promise<void>
}

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/

/** IPv4 clients on a dual-stack socket show up as `::ffff:a.b.c.d`; policies want `a.b.c.d`. */
export const plainAddress = (address: string | undefined): string => {
  if (address === undefined) return ''
  return address.startsWith('::ffff:') ? address.replace(MAPPED_IPV4, '$1') : address
}

/**
 * A refusal made before the app sees the request, in the app's XML error envelope. The codes and
 * statuses are AWS's common errors (docs.aws.amazon.com/awsconsolehelpdocs/latest/gsg/common-errors.html):
 * MalformedHttpRequestException 400, RequestTimeoutException 408, RequestEntityTooLargeException
 * 413, ServiceUnavailable 503. AWS's Query endpoints answer an oversized request with a bare 413
 * (botocore issue 2784, aws-cli issue 2378); the envelope gives SDKs a code and a message instead.
 */
function refusal(code: ErrorCode, message: string, status?: number): HttpResponse {
  const error = new AwsError(code, message, status === undefined ? {} : { status })
  return xmlEncoder.failure(error, { requestId: randomUUID(), namespace: IAM_NAMESPACE })
}

/**
 * Over the budget is 503, not 413: the request is fine and the server is busy for now, and SDKs
 * retry ServiceUnavailable with backoff, by which time other bodies will have been given back.
 */
const bodyRefusal = (reason: BodyRefusal, limits: ServerLimits): HttpResponse =>
  reason === 'too-large'
    ? refusal(
        'RequestEntityTooLargeException',
        `The request body is larger than ${limits.maxBodyBytes} bytes, the most this server accepts.`,
      )
    : refusal(
        'ServiceUnavailable',
        'The request has failed due to a temporary failure of the server.',
      )

/** What a client whose bytes llhttp refused (or that ran out of time) gets, on the raw socket. */
function clientErrorResponse(error: NodeJS.ErrnoException, limits: ServerLimits): HttpResponse {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return refusal(
        'RequestTimeoutException',
        'Problems with the request at the HTTP level. Reading the request timed out.',
      )
    case 'HPE_HEADER_OVERFLOW':
      // node's status (RFC 6585), AWS's code for a request too large.
      return refusal(
        'RequestEntityTooLargeException',
        `The request's head is larger than ${limits.maxHeaderBytes} bytes.`,
        431,
      )
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return refusal(
        'RequestEntityTooLargeException',
        'The extensions of a chunk are larger than node allows (16 KiB).',
      )
    default:
      return refusal(
        'MalformedHttpRequestException',
        `Problems with the request at the HTTP level (${error.code ?? 'unknown'}).`,
      )
  }
}

/** The response as bytes for a socket no ServerResponse owns, closing the connection. */
function closingBytes(response: HttpResponse): string {
  let text = `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\n`
  for (const [name, value] of Object.entries(response.headers)) text += `${name}: ${value}\r\n`
  text += `Content-Length: ${Buffer.byteLength(response.body)}\r\nConnection: close\r\n\r\n`
  return text + response.body
}

/** Ordered [name, value] pairs as they came on the wire. */
function headerPairs(raw: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] as string, raw[i + 1] as string])
  return pairs
}

interface Settings {
  app: App
  limits: ServerLimits
  budget: BodyBudget
  secure: boolean
  logger: Logger | undefined
}

/**
 * One connection's requests, handed to the app one at a time: the next starts only once the answer
 * before it has been written out to the socket. node parses every request that arrives in one read
 * (a thousand pipelined ones in 64 KiB) and queues their answers in memory; served one by one, a
 * client that never reads holds one answer, not a thousand.
 */
class Connection {
  private readonly waiting: Array<[IncomingMessage, ServerResponse]> = []
  private busy = false
  /** Requests taken from this connection so far. */
  private served = 0
  /** The app has the request being served, or its answer is being written. */
  private responding = false
  private closed = false
  /** A refused body is being read and dropped; the connection ends unless it ends in time. */
  private linger: NodeJS.Timeout | undefined
  /** The budget hold of the body being served, given back however its request ends. */
  private release: (() => void) | undefined

  constructor(
    readonly socket: Socket,
    private readonly settings: Settings,
  ) {
    socket.once('close', () => {
      this.closed = true
      this.waiting.length = 0
      this.release?.()
      clearTimeout(this.linger)
    })
  }

  /**
   * True while an answer of ours may still be written on the socket. Only reading a body is not
   * answering: a timeout then may be answered on the raw socket, and the app never sees the request.
   */
  get answering(): boolean {
    return this.responding || this.waiting.length > 0 || this.linger !== undefined
  }

  /** The connection is being closed with an answer of its own: serve nothing more on it. */
  abandon(): void {
    this.closed = true
    this.waiting.length = 0
  }

  accept(request: IncomingMessage, response: ServerResponse): void {
    if (this.closed) return
    if (this.waiting.length >= this.settings.limits.maxPipelinedRequests) {
      this.settings.logger?.warn(
        { limit: this.settings.limits.maxPipelinedRequests },
        'too many pipelined requests waiting; connection closed',
      )
      this.socket.destroy()
      return
    }
    this.waiting.push([request, response])
    if (!this.busy) this.next()
  }

  private next(): void {
    this.release?.()
    this.release = undefined
    // node says `Connection: close` on the last answer a connection may carry, but leaves the
    // closing to the client.
    if (this.served >= this.settings.limits.maxRequestsPerSocket) {
      this.abandon()
      this.socket.end()
      return
    }
    const entry = this.waiting.shift()
    this.busy = entry !== undefined
    this.responding = false
    if (!entry || this.closed) return
    const [request, response] = entry
    this.served += 1
    // 'close' follows 'finish' (the answer handed to the socket) or the socket's end.
    response.once('close', () => this.next())
    this.serve(request, response)
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const { limits, budget } = this.settings
    // An aborted request emits 'error'; the socket's 'close' cleans up.
    request.on('error', () => undefined)
    const declared = declaredLength(request)
    if (declared !== undefined && declared > limits.maxBodyBytes) {
      this.refuseBody(request, response, 'too-large')
      return
    }
    const reader = readBody(
      request,
      { maxBodyBytes: limits.maxBodyBytes, budget, declared },
      (reason) => this.refuseBody(request, response, reason),
    )
    this.release = reader.release
    void reader.body.then((body) => this.handle(request, response, body))
  }

  private handle(request: IncomingMessage, response: ServerResponse, body: Uint8Array): void {
    if (this.closed) return
    this.responding = true
    const target = request.url ?? '/'
    const mark = target.indexOf('?')
    let answer: Promise<HttpResponse>
    try {
      answer = this.settings.app.handle({
        method: request.method ?? 'GET',
        path: mark === -1 ? target : target.slice(0, mark),
        query: mark === -1 ? '' : target.slice(mark + 1),
        headers: headerPairs(request.rawHeaders),
        body,
        sourceIp: plainAddress(this.socket.remoteAddress),
        secure: this.settings.secure,
      } satisfies HttpRequest)
    } catch (error) {
      answer = Promise.reject(error)
    }
    answer.then(
      (result) => this.respond(request, response, result),
      (error: unknown) => this.fail(response, error),
    )
  }

  private respond(request: IncomingMessage, response: ServerResponse, result: HttpResponse): void {
    if (response.destroyed) return
    try {
      // A known length lets node send head and body in one write instead of chunked frames.
      // writeHead checks every field: a CR or LF, which could split the response, throws.
      response.writeHead(result.status, {
        ...result.headers,
        'content-length': Buffer.byteLength(result.body),
      })
    } catch (error) {
      this.fail(response, error)
      return
    }
    response.end(request.method === 'HEAD' ? undefined : result.body)
  }

  private fail(response: ServerResponse, error: unknown): void {
    this.settings.logger?.error({ err: error }, 'request failed outside the app')
    if (response.destroyed) return
    if (response.headersSent) {
      this.socket.destroy()
      return
    }
    const failure = refusal('InternalFailure', INTERNAL_FAILURE_MESSAGE)
    for (const name of response.getHeaderNames()) response.removeHeader(name)
    response.writeHead(failure.status, STATUS_CODES[failure.status], {
      ...failure.headers,
      'content-length': Buffer.byteLength(failure.body),
      connection: 'close',
    })
    response.end(failure.body)
  }

  /**
   * Answers a body over the limit (413) or over the budget (503) before the app sees it. The rest
   * of the body flows away unread; if it has not ended when the linger is over, the connection is
   * closed. A request refused before its 100 Continue (`early`) has sent no body and may never
   * send it, so its connection is closed after the answer.
   */
  refuseBody(
    request: IncomingMessage,
    response: ServerResponse,
    reason: BodyRefusal,
    early = false,
  ): void {
    this.settings.logger?.warn(
      { reason, budgetUsed: this.settings.budget.used },
      'request body refused',
    )
    const answer = bodyRefusal(reason, this.settings.limits)
    this.responding = true
    if (!request.complete && !early) {
      request.resume()
      this.linger = setTimeout(() => this.socket.destroy(), REFUSED_BODY_LINGER_MS).unref()
      request.once('end', () => {
        clearTimeout(this.linger)
        this.linger = undefined
      })
    }
    response.writeHead(answer.status, {
      ...answer.headers,
      ...(early ? { connection: 'close' } : {}),
      'content-length': Buffer.byteLength(answer.body),
    })
    response.end(answer.body)
  }
}

function createNodeServer(options: ServerOptions, limits: ServerLimits): Server {
  const settings = {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
    // Strict llhttp even if NODE_OPTIONS says --insecure-http-parser: leniency lets requests be smuggled.
    insecureHTTPParser: false,
    requireHostHeader: true,
    noDelay: true,
  }
  const server = options.tls
    ? createHttpsServer({
        ...settings,
        cert: options.tls.cert,
        key: options.tls.key,
        handshakeTimeout: limits.tlsHandshakeTimeoutMs,
      })
    : createServer(settings)
  server.maxConnections = limits.maxConnections
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket
  server.timeout = limits.socketIdleTimeoutMs
  // A client may end its side right after its requests and still read the answers. Without this
  // node ends the connection at once, dropping answers the app has not given yet.
  ;(server as Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true
  return server
}

export function startServer(app: App, options: ServerOptions): Promise<RunningServer> {
  const limits: ServerLimits = { ...SERVER_LIMITS, ...options.limits }
  const settings: Settings = {
    app,
    limits,
    budget: new BodyBudget(limits.maxBufferedBodyBytes),
    secure: options.tls !== undefined,
    logger: options.logger,
  }
  const server = createNodeServer(options, limits)
  const connections = new WeakMap<Socket, Connection>()
  const connectionOf = (socket: Socket) => {
    let connection = connections.get(socket)
    if (!connection) {
      connection = new Connection(socket, settings)
      connections.set(socket, connection)
    }
    return connection
  }
  const onRequest = (request: IncomingMessage, response: ServerResponse) =>
    connectionOf(request.socket).accept(request, response)
  server.on('request', onRequest)
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    // 100-continue is there to refuse a body too large before it is sent.
    const declared = declaredLength(request)
    if (declared !== undefined && declared > limits.maxBodyBytes) {
      connectionOf(request.socket).refuseBody(request, response, 'too-large', true)
      return
    }
    response.writeContinue()
    onRequest(request, response)
  })
  const answered = new WeakSet<Socket>()
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // Bytes after a request that said `Connection: close`: that request is still answered, then
    // the connection closes; the bytes after it are not read as a request.
    if (error.code === 'HPE_CLOSED_CONNECTION') return
    // node reports an errored parser again for every later read; the first report is answered.
    if (answered.has(socket)) return
    answered.add(socket)
    const connection = connections.get(socket)
    // Only llhttp's refusals and node's request timeouts get an HTTP answer: a TLS failure (https
    // reports those here too) or a reset has no HTTP to answer with. With an answer of ours under
    // way, bytes written now would land inside it.
    const http =
      error.code?.startsWith('HPE_') === true || error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    if (!http || !socket.writable || connection?.answering === true) {
      socket.destroy()
      return
    }
    connection?.abandon()
    socket.end(closingBytes(clientErrorResponse(error, limits)))
    // Reading on lets the client take the answer; a client that keeps sending is cut off.
    setTimeout(() => socket.destroy(), REFUSED_BODY_LINGER_MS).unref()
  })
  // Every TCP socket, TLS ones in their handshake too, so that close() leaves none behind.
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
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
        limits,
        node: server,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()))
            for (const socket of sockets) socket.destroy()
          }),
      })
    })
  })
}
