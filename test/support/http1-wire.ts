// Raw-socket helpers for the HTTP/1.1 server tests: real bytes out, every byte back, and whether
// the server closed the connection.
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import type { App } from '../../src/http/app.js'
import type { HttpRequest } from '../../src/http/http-message.js'

export interface Wire {
  socket: Socket
  /** Everything received so far, latin1. */
  received(): string
  /** Resolves once `pattern` shows up in what was received (rejects after `ms`). */
  waitFor(pattern: RegExp | string, ms?: number): Promise<string>
  /** Resolves with everything received once the server ended the connection. */
  ended(ms?: number): Promise<string>
  /** Whether the server has ended or closed the connection. */
  isEnded(): boolean
}

export function openWire(port: number, options: { allowHalfOpen?: boolean } = {}): Promise<Wire> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      port,
      host: '127.0.0.1',
      allowHalfOpen: options.allowHalfOpen ?? false,
    })
    let data = ''
    let ended = false
    const waiters = new Set<() => void>()
    const wake = () => {
      for (const waiter of waiters) waiter()
    }
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1')
      wake()
    })
    socket.on('end', () => {
      ended = true
      wake()
    })
    socket.on('close', () => {
      ended = true
      wake()
    })
    socket.on('error', () => undefined)
    const until = (done: () => boolean, what: string, ms: number) =>
      new Promise<string>((ok, fail) => {
        if (done()) return ok(data)
        const timer = setTimeout(() => {
          waiters.delete(check)
          fail(new Error(`timed out waiting for ${what}; received ${JSON.stringify(data)}`))
        }, ms)
        const check = () => {
          if (!done()) return
          clearTimeout(timer)
          waiters.delete(check)
          ok(data)
        }
        waiters.add(check)
      })
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => data,
        waitFor: (pattern, ms = 5000) =>
          until(
            () => (typeof pattern === 'string' ? data.includes(pattern) : pattern.test(data)),
            String(pattern),
            ms,
          ),
        ended: (ms = 5000) => until(() => ended, 'the end of the connection', ms),
        isEnded: () => ended,
      }),
    )
    socket.once('error', reject)
  })
}

/** Sends `text` as latin1 bytes. */
export const send = (wire: Wire, text: string) => wire.socket.write(Buffer.from(text, 'latin1'))

/** The responses in `text`, with the Date value masked. */
export const masked = (text: string) => text.replace(/Date: [^\r]*\r\n/g, 'Date: *\r\n')

/** An app that records each request and answers with its method, target and body. */
export function recordingApp(seen: HttpRequest[]): App {
  return {
    handle: async (request) => {
      seen.push(request)
      const body = Buffer.from(request.body).toString('latin1')
      const query = request.query === '' ? '' : `?${request.query}`
      return {
        status: 200,
        headers: { 'content-type': 'text/plain' },
        body: `${request.method} ${request.path}${query} ${body}`,
      }
    },
  }
}

export const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
