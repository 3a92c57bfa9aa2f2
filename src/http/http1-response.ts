// HTTP/1.1 responses as the bytes that go on the wire: the app's answer framed with its length,
// a Date and the connection's fate, and the bare refusals sent before closing a connection.
import { STATUS_CODES } from 'node:http'
import type { HttpResponse } from './http-message.js'

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
/** Visible ASCII, SP and HTAB: anything else (CR and LF above all) could split the response. */
const FIELD_VALUE = /^[\t\x20-\x7e]*$/
/** Fields this layer writes itself, from the body and the connection's state. */
const OWN_FIELDS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'date',
])

export const CONTINUE = 'HTTP/1.1 100 Continue\r\n\r\n'

/** Node's keep-alive timeout, which node:http also announces (RFC 9110 gives no other way). */
const KEEP_ALIVE_SECONDS = 5

const reason = (status: number) => STATUS_CODES[status] ?? 'Unknown'

let dateSecond = -1
let dateText = ''

/** The IMF-fixdate for `now` (ms), computed once per second. */
export function httpDate(now: number): string {
  const second = Math.floor(now / 1000)
  if (second !== dateSecond) {
    dateSecond = second
    dateText = new Date(second * 1000).toUTCString()
  }
  return dateText
}

export interface ResponseFraming {
  /** A HEAD request: the body's length is announced, the body is not sent. */
  head: boolean
  keepAlive: boolean
  date: string
}

/** Status line, fields and body as one string for one socket write (UTF-8; the head is ASCII). */
export function serializeResponse(response: HttpResponse, framing: ResponseFraming): string {
  const { status, headers, body } = response
  if (!Number.isInteger(status) || status < 200 || status > 999) {
    throw new Error(`invalid response status ${status}`)
  }
  let text = `HTTP/1.1 ${status} ${reason(status)}\r\n`
  for (const name in headers) {
    const value = headers[name] as string
    if (!TOKEN.test(name) || !FIELD_VALUE.test(value)) {
      throw new Error(`invalid response header field ${JSON.stringify(name)}`)
    }
    if (!OWN_FIELDS.has(name.toLowerCase())) text += `${name}: ${value}\r\n`
  }
  text += `Content-Length: ${Buffer.byteLength(body)}\r\nDate: ${framing.date}\r\n`
  text += framing.keepAlive
    ? `Connection: keep-alive\r\nKeep-Alive: timeout=${KEEP_ALIVE_SECONDS}\r\n\r\n`
    : 'Connection: close\r\n\r\n'
  return framing.head ? text : text + body
}

/** A refusal that closes the connection, as node:http sends it: no body unless a text is given. */
export function closingResponse(status: number, text?: string): string {
  const head = `HTTP/1.1 ${status} ${reason(status)}\r\nConnection: close\r\n`
  if (text === undefined) return `${head}\r\n`
  return `${head}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`
}
