// HTTP/1.1 request parsing (RFC 9112) from bytes as they arrive: request heads, framed bodies and
// typed protocol errors, with no sockets in it. Strict where leniency allows request smuggling.

export interface Http1Limits {
  /** Request line plus header fields, CRLFs included (node's default is 16 KiB). */
  maxHeaderBytes: number
  /** Larger bodies are refused with 413 before they are buffered. */
  maxBodyBytes: number
}

export interface RequestHead {
  method: string
  /** The request-target as sent. */
  target: string
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minorVersion: number
  /** Names and values as sent (names keep their case), in order. */
  headers: Array<[string, string]>
  /** Whether the connection may carry another request after this one. */
  keepAlive: boolean
  /** `Expect: 100-continue` on an HTTP/1.1 request. */
  expectContinue: boolean
}

export interface ParsedRequest {
  head: RequestHead
  body: Uint8Array
}

/** A request the server must refuse with this status and then close the connection. */
export class HttpProtocolError extends Error {
  constructor(
    readonly status: 400 | 413 | 417 | 431 | 505,
    message: string,
  ) {
    super(message)
    this.name = 'HttpProtocolError'
  }
}

const CR = 13
const LF = 10
const EMPTY = new Uint8Array(0)
const END_OF_HEAD = Buffer.from('\r\n\r\n')
const LF_LF = Buffer.from('\n\n')
/** Chunk-size lines (with extensions) and trailer lines longer than this are refused. */
const MAX_CHUNK_LINE = 4096
/** 2^53 needs 14 hex digits; longer sizes are refused rather than rounded. */
const MAX_CHUNK_SIZE_DIGITS = 13

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** A request-target is visible ASCII: no controls, no spaces, no raw non-ASCII (as node). */
const TARGET = /^[\x21-\x7e]+$/
/** Lines of HTAB, SP, VCHAR and obs-text, ended by CRLF: no NUL, no other control, no bare CR or LF. */
const HEAD_CHARS = /^[\t\x20-\x7e\x80-\xff]*(?:\r\n[\t\x20-\x7e\x80-\xff]*)*$/
/** A field value or chunk extension: HTAB, SP, VCHAR and obs-text. */
const FIELD_CHARS = /^[\t\x20-\x7e\x80-\xff]*$/
const VERSION = /^HTTP\/(\d)\.(\d)$/
const DIGITS = /^\d+$/
const HEX = /^[0-9A-Fa-f]+$/

const isOws = (code: number) => code === 32 || code === 9

function trimOws(value: string): string {
  let start = 0
  let end = value.length
  while (start < end && isOws(value.charCodeAt(start))) start++
  while (end > start && isOws(value.charCodeAt(end - 1))) end--
  return start === 0 && end === value.length ? value : value.slice(start, end)
}

/** Comma-separated list elements, trimmed and lower-cased, empty elements dropped (RFC 9110 5.6.1). */
const listElements = (value: string): string[] =>
  value
    .split(',')
    .map((element) => trimOws(element).toLowerCase())
    .filter((element) => element !== '')

const badRequest = (message: string) => new HttpProtocolError(400, message)

type Framing = { kind: 'length'; length: number } | { kind: 'chunked' }

/** The head's text (request line and fields, without the final empty line) into a head. */
export function parseHead(
  text: string,
  limits: Http1Limits,
): { head: RequestHead; framing: Framing } {
  // One pass over the whole head checks every character, so the fields below need no check of their own.
  if (!HEAD_CHARS.test(text)) throw badRequest('invalid character in request head')
  let lineEnd = text.indexOf('\r')
  const requestLine = lineEnd === -1 ? text : text.slice(0, lineEnd)
  const firstSpace = requestLine.indexOf(' ')
  const lastSpace = requestLine.lastIndexOf(' ')
  if (firstSpace <= 0 || lastSpace === firstSpace) throw badRequest('malformed request line')
  const method = requestLine.slice(0, firstSpace)
  const target = requestLine.slice(firstSpace + 1, lastSpace)
  const version = VERSION.exec(requestLine.slice(lastSpace + 1))
  if (!TOKEN.test(method)) throw badRequest('malformed method')
  if (!TARGET.test(target)) throw badRequest('malformed request-target')
  if (version === null) throw badRequest('malformed HTTP version')
  if (version[1] !== '1' || (version[2] !== '0' && version[2] !== '1')) {
    throw new HttpProtocolError(505, 'HTTP version not supported')
  }
  const minorVersion = version[2] === '1' ? 1 : 0

  const headers: Array<[string, string]> = []
  let hosts = 0
  let contentLength: string | undefined
  let transferEncoding: string | undefined
  let connection: string | undefined
  let expect: string | undefined
  while (lineEnd !== -1) {
    const start = lineEnd + 2
    lineEnd = text.indexOf('\r', start)
    const end = lineEnd === -1 ? text.length : lineEnd
    const colon = text.indexOf(':', start)
    // A line starting with whitespace is obs-fold; whitespace before ':' is refused (RFC 9112 5.1).
    if (colon <= start || colon >= end) throw badRequest('malformed header field')
    const name = text.slice(start, colon)
    if (!TOKEN.test(name)) throw badRequest('malformed header field name')
    let valueStart = colon + 1
    let valueEnd = end
    while (valueStart < valueEnd && isOws(text.charCodeAt(valueStart))) valueStart++
    while (valueEnd > valueStart && isOws(text.charCodeAt(valueEnd - 1))) valueEnd--
    const value = text.slice(valueStart, valueEnd)
    headers.push([name, value])
    // Only a few fields steer framing and persistence; the length test spares most names a lowering.
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === 'host') hosts++
        break
      case 6:
        if (name.toLowerCase() === 'expect')
          expect = expect === undefined ? value : `${expect},${value}`
        break
      case 10:
        if (name.toLowerCase() === 'connection') {
          connection = connection === undefined ? value : `${connection},${value}`
        }
        break
      case 14:
        if (name.toLowerCase() === 'content-length') {
          if (contentLength !== undefined) throw badRequest('more than one Content-Length')
          contentLength = value
        }
        break
      case 17:
        if (name.toLowerCase() === 'transfer-encoding') {
          transferEncoding = transferEncoding === undefined ? value : `${transferEncoding},${value}`
        }
        break
    }
  }
  if (minorVersion === 1 && hosts === 0) throw badRequest('missing Host header')
  if (hosts > 1) throw badRequest('more than one Host header')

  let keepAlive = minorVersion === 1
  if (connection !== undefined) {
    const options = listElements(connection)
    if (options.includes('close')) keepAlive = false
    else if (options.includes('keep-alive')) keepAlive = true
  }

  let expectContinue = false
  if (expect !== undefined && minorVersion === 1) {
    for (const expectation of listElements(expect)) {
      if (expectation !== '100-continue') {
        throw new HttpProtocolError(417, 'unsupported expectation')
      }
      expectContinue = true
    }
  }

  let framing: Framing = { kind: 'length', length: 0 }
  if (transferEncoding !== undefined) {
    // Either framing alone is unambiguous; both, or a coding we cannot decode, is how smuggling starts.
    if (contentLength !== undefined) throw badRequest('both Transfer-Encoding and Content-Length')
    if (minorVersion === 0) throw badRequest('Transfer-Encoding on an HTTP/1.0 request')
    const codings = listElements(transferEncoding)
    const chunked = codings.filter((coding) => coding === 'chunked').length
    if (codings[codings.length - 1] !== 'chunked' || chunked !== 1) {
      throw badRequest('unsupported Transfer-Encoding')
    }
    framing = { kind: 'chunked' }
  } else if (contentLength !== undefined) {
    if (!DIGITS.test(contentLength)) throw badRequest('malformed Content-Length')
    const length = Number(contentLength)
    if (length > limits.maxBodyBytes) throw new HttpProtocolError(413, 'request body too large')
    framing = { kind: 'length', length }
  }
  return { head: { method, target, minorVersion, headers, keepAlive, expectContinue }, framing }
}

/**
 * `head`: waiting for a request line and fields; `length`: a Content-Length body; `chunk-end`: the
 * CRLF after a chunk's data; `failed`: a protocol error was thrown and nothing more is parsed.
 */
type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailer' | 'failed'

/**
 * Incremental parser for one connection. `feed` the bytes as they arrive; `next` returns one whole
 * request at a time (or undefined until more bytes come), so the caller decides when to parse the
 * next pipelined request. Bodies that arrive in one piece are handed on without a copy.
 */
export class Http1Parser {
  private buffer: Buffer = Buffer.alloc(0)
  private offset = 0
  /** Where the search for the end of the head resumes, so a head arriving in pieces is scanned once. */
  private scanFrom = 0
  private state: State = 'head'
  private head: RequestHead | undefined
  private remaining = 0
  private parts: Buffer[] = []
  private bodyBytes = 0
  private trailerBytes = 0

  constructor(private readonly limits: Http1Limits) {}

  feed(chunk: Buffer): void {
    // Only unparsed leftovers (a partial head or framing line, a pipelined request) are copied.
    this.buffer =
      this.offset === this.buffer.length
        ? chunk
        : Buffer.concat([this.buffer.subarray(this.offset), chunk])
    this.scanFrom = Math.max(0, this.scanFrom - this.offset)
    this.offset = 0
  }

  /** The head of a request whose body is still arriving. */
  get waitingHead(): RequestHead | undefined {
    return this.state === 'head' || this.state === 'failed' ? undefined : this.head
  }

  /** True between requests: nothing of a next request has arrived yet. */
  get idle(): boolean {
    return this.state === 'head' && this.offset === this.buffer.length
  }

  next(): ParsedRequest | undefined {
    try {
      return this.step()
    } catch (error) {
      this.state = 'failed'
      throw error
    }
  }

  private step(): ParsedRequest | undefined {
    if (this.state === 'head' && !this.readHead()) return undefined
    switch (this.state) {
      case 'length':
        return this.readLengthBody()
      case 'chunk-size':
      case 'chunk-data':
      case 'chunk-end':
      case 'trailer':
        return this.readChunked()
      case 'failed':
        throw badRequest('connection already failed')
      default:
        return undefined
    }
  }

  /** Finds the empty line ending the head and parses it; false when more bytes are needed. */
  private readHead(): boolean {
    const buffer = this.buffer
    // RFC 9112 2.2: ignore empty lines before a request-line (some clients send CRLF after a body).
    while (buffer.length - this.offset >= 2 && buffer[this.offset] === CR) {
      if (buffer[this.offset + 1] !== LF) throw badRequest('bare CR')
      this.offset += 2
    }
    const from = Math.max(this.scanFrom, this.offset)
    const end = buffer.indexOf(END_OF_HEAD, from)
    if (end === -1) {
      // A client ending lines with LF alone would otherwise wait for the headers timeout.
      if (buffer.indexOf(LF_LF, from) !== -1) throw badRequest('bare LF')
      if (buffer.length - this.offset > this.limits.maxHeaderBytes) {
        throw new HttpProtocolError(431, 'request header fields too large')
      }
      this.scanFrom = Math.max(this.offset, buffer.length - 3)
      return false
    }
    if (end + 4 - this.offset > this.limits.maxHeaderBytes) {
      throw new HttpProtocolError(431, 'request header fields too large')
    }
    const { head, framing } = parseHead(buffer.toString('latin1', this.offset, end), this.limits)
    this.head = head
    this.offset = end + 4
    this.scanFrom = 0
    this.parts = []
    this.bodyBytes = 0
    if (framing.kind === 'chunked') {
      this.state = 'chunk-size'
      this.trailerBytes = 0
    } else {
      this.state = 'length'
      this.remaining = framing.length
    }
    return true
  }

  private take(count: number): void {
    this.parts.push(this.buffer.subarray(this.offset, this.offset + count))
    this.offset += count
    this.bodyBytes += count
  }

  private readLengthBody(): ParsedRequest | undefined {
    const available = this.buffer.length - this.offset
    if (available < this.remaining) {
      if (available > 0) this.take(available)
      this.remaining -= available
      return undefined
    }
    if (this.remaining > 0) this.take(this.remaining)
    this.remaining = 0
    return this.finish()
  }

  private finish(): ParsedRequest {
    const head = this.head as RequestHead
    const parts = this.parts
    const body = parts.length === 0 ? EMPTY : parts.length === 1 ? parts[0]! : Buffer.concat(parts)
    this.head = undefined
    this.parts = []
    this.state = 'head'
    return { head, body }
  }

  /** One CRLF-terminated line at the offset, or undefined when it has not all arrived. */
  private line(limit: number, tooLong: HttpProtocolError['status']): string | undefined {
    const buffer = this.buffer
    const lf = buffer.indexOf(LF, this.offset)
    const end = lf === -1 ? buffer.length : lf
    if (end - this.offset > limit) throw new HttpProtocolError(tooLong, 'framing line too long')
    if (lf === -1) return undefined
    if (lf === this.offset || buffer[lf - 1] !== CR) throw badRequest('bare LF')
    const text = buffer.toString('latin1', this.offset, lf - 1)
    this.offset = lf + 1
    return text
  }

  private readChunked(): ParsedRequest | undefined {
    for (;;) {
      switch (this.state) {
        case 'chunk-size': {
          const line = this.line(MAX_CHUNK_LINE, 400)
          if (line === undefined) return undefined
          this.remaining = chunkSize(line)
          if (this.bodyBytes + this.remaining > this.limits.maxBodyBytes) {
            throw new HttpProtocolError(413, 'request body too large')
          }
          this.state = this.remaining === 0 ? 'trailer' : 'chunk-data'
          break
        }
        case 'chunk-data': {
          const available = this.buffer.length - this.offset
          if (available === 0) return undefined
          const count = Math.min(available, this.remaining)
          this.take(count)
          this.remaining -= count
          if (this.remaining === 0) this.state = 'chunk-end'
          break
        }
        case 'chunk-end': {
          if (this.buffer.length - this.offset < 2) {
            if (this.buffer.length > this.offset && this.buffer[this.offset] !== CR) {
              throw badRequest('chunk data not followed by CRLF')
            }
            return undefined
          }
          if (this.buffer[this.offset] !== CR || this.buffer[this.offset + 1] !== LF) {
            throw badRequest('chunk data not followed by CRLF')
          }
          this.offset += 2
          this.state = 'chunk-size'
          break
        }
        case 'trailer': {
          const before = this.offset
          const line = this.line(this.limits.maxHeaderBytes, 431)
          if (line === undefined) return undefined
          this.trailerBytes += this.offset - before
          if (this.trailerBytes > this.limits.maxHeaderBytes) {
            throw new HttpProtocolError(431, 'trailer section too large')
          }
          if (line === '') return this.finish()
          checkTrailerField(line)
          break
        }
        default:
          return undefined
      }
    }
  }
}

/** `chunk-size [ chunk-ext ]` (RFC 9112 7.1.1); extensions are checked for shape and ignored. */
function chunkSize(line: string): number {
  let end = 0
  while (end < line.length && isHexDigit(line.charCodeAt(end))) end++
  const digits = line.slice(0, end)
  if (!HEX.test(digits)) throw badRequest('malformed chunk size')
  if (digits.replace(/^0+/, '').length > MAX_CHUNK_SIZE_DIGITS) {
    throw badRequest('chunk size too large')
  }
  const rest = line.slice(end)
  if (rest !== '' && (!/^[ \t]*;/.test(rest) || !FIELD_CHARS.test(rest))) {
    throw badRequest('malformed chunk extension')
  }
  return parseInt(digits, 16)
}

const isHexDigit = (code: number) =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102)

/** Trailer fields are discarded, but must still be well-formed fields. */
function checkTrailerField(line: string): void {
  const colon = line.indexOf(':')
  if (colon <= 0 || !TOKEN.test(line.slice(0, colon))) throw badRequest('malformed trailer field')
  if (!FIELD_CHARS.test(line.slice(colon + 1))) {
    throw badRequest('invalid character in trailer field value')
  }
}
