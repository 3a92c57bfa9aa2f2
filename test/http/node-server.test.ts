// The HTTP server (node:http, llhttp): what reaches the app is what the client sent, the app's
// answer is what the client gets back, the limits are the documented ones, and what the server
// refuses before the app gets AWS's error envelope (checked with raw sockets and the AWS SDK).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { describe, test } from 'node:test'
import { connect as tlsConnect } from 'node:tls'
import { CreateSAMLProviderCommand, IAMClient } from '@aws-sdk/client-iam'
import { pino } from 'pino'
import type { App } from '../../src/http/app.js'
import type { HttpRequest } from '../../src/http/http-message.js'
import { SERVER_LIMITS, plainAddress, startServer } from '../../src/http/node-server.js'
import type { RunningServer, ServerOptions } from '../../src/http/node-server.js'
import { createCertificateAuthority, createServerCertificate } from '../../src/tls/certificate.js'
import { delay, masked, openWire, recordingApp, send as sendRaw } from '../support/http1-wire.js'
import { iamSdk, rejection } from '../support/iam-sdk.js'

/** An app that answers with what it was handed, to look at the adapter's side. */
function echoApp(seen: HttpRequest[]): App {
  return {
    handle: async (request) => {
      seen.push(request)
      return {
        status: 201,
        headers: { 'x-amzn-RequestId': 'abc', 'content-type': 'text/plain' },
        body: `${request.method} ${request.path} ${request.query}`,
      }
    },
  }
}

function send(
  url: string,
  options: { method: string; path: string; headers?: Array<[string, string]>; body?: Buffer },
) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      // Raw headers: node adds no Host of its own then, and HTTP/1.1 servers require one.
      const flat = [['Host', new URL(url).host], ...(options.headers ?? [])].flat()
      const req = httpRequest(`${url}${options.path}`, { method: options.method, headers: flat })
      req.on('response', (response) => {
        let body = ''
        response.on('data', (chunk: Buffer) => (body += chunk.toString()))
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        )
      })
      req.on('error', reject)
      req.end(options.body)
    },
  )
}

describe('startServer', () => {
  test('hands the app the raw path, raw query, ordered headers, body and source address', async () => {
    const seen: HttpRequest[] = []
    const server = await startServer(echoApp(seen), { host: '127.0.0.1', port: 0 })
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
      const response = await send(server.url, {
        method: 'POST',
        path: '/a%2Fb/c%20d?X=%2F&Y=1+2',
        headers: [
          ['X-Second', 'two'],
          ['X-First', 'one'],
          ['X-First', 'again'],
          ['Content-Type', 'application/x-www-form-urlencoded'],
        ],
        body: Buffer.from('Action=ListUsers'),
      })
      assert.equal(response.status, 201)
      assert.equal(response.headers['x-amzn-requestid'], 'abc')
      assert.equal(response.body, 'POST /a%2Fb/c%20d X=%2F&Y=1+2')
      const request = seen[0]
      assert.ok(request)
      assert.equal(request.path, '/a%2Fb/c%20d')
      assert.equal(request.query, 'X=%2F&Y=1+2')
      const custom = request.headers.filter(([name]) => name.startsWith('X-'))
      assert.deepEqual(custom, [
        ['X-Second', 'two'],
        ['X-First', 'one'],
        ['X-First', 'again'],
      ])
      assert.equal(new TextDecoder().decode(request.body), 'Action=ListUsers')
      assert.equal(request.sourceIp, '127.0.0.1')
      assert.equal(request.secure, false)
    } finally {
      await server.close()
    }
  })

  test('refuses a body over the limit with 413 in AWS shape, read by the AWS SDK, before the app', async () => {
    const seen: HttpRequest[] = []
    const server = await startServer(echoApp(seen), {
      host: '127.0.0.1',
      port: 0,
      limits: { maxBodyBytes: 1024 },
    })
    try {
      const iam = iamSdk(server.url, { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' })
      const error = await rejection(
        iam.send(
          new CreateSAMLProviderCommand({ Name: 'big', SAMLMetadataDocument: 'a'.repeat(4096) }),
        ),
      )
      assert.equal(error.name, 'RequestEntityTooLargeException')
      assert.equal(error.$metadata?.httpStatusCode, 413)
      assert.equal(error.$fault, 'client')
      assert.match(error.message, /larger than 1024 bytes/)
      assert.match(error.$metadata?.requestId ?? '', /^[0-9a-f-]{36}$/)
      assert.equal(seen.length, 0)
    } finally {
      await server.close()
    }
  })

  test('answers 503 ServiceUnavailable past the body budget, which the AWS SDK retries', async () => {
    const seen: HttpRequest[] = []
    const server = await startServer(echoApp(seen), {
      host: '127.0.0.1',
      port: 0,
      limits: { maxBufferedBodyBytes: 512 },
    })
    try {
      const iam = new IAMClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
        maxAttempts: 2,
      })
      const error = await rejection(
        iam.send(
          new CreateSAMLProviderCommand({ Name: 'big', SAMLMetadataDocument: 'a'.repeat(4096) }),
        ),
      )
      assert.equal(error.name, 'ServiceUnavailable')
      assert.equal(error.$metadata?.httpStatusCode, 503)
      assert.equal(error.$fault, 'server')
      assert.equal((error.$metadata as { attempts?: number }).attempts, 2)
      assert.equal(seen.length, 0)
    } finally {
      await server.close()
    }
  })

  test('sends the answer with its byte length, not chunked, and no body for HEAD', async () => {
    const body = 'Grüße <é> 𝄞'
    const app: App = {
      handle: () => Promise.resolve({ status: 200, headers: { 'content-type': 'text/xml' }, body }),
    }
    const server = await startServer(app, { host: '127.0.0.1', port: 0 })
    try {
      const get = await send(server.url, { method: 'GET', path: '/' })
      assert.equal(get.body, body)
      assert.equal(get.headers['content-length'], String(Buffer.byteLength(body)))
      assert.notEqual(Buffer.byteLength(body), body.length)
      assert.equal(get.headers['transfer-encoding'], undefined)
      const head = await send(server.url, { method: 'HEAD', path: '/' })
      assert.equal(head.status, 200)
      assert.equal(head.body, '')
      assert.equal(head.headers['content-length'], String(Buffer.byteLength(body)))
    } finally {
      await server.close()
    }
  })

  test('close() returns even with an idle keep-alive connection open', async () => {
    const server = await startServer(echoApp([]), { host: '127.0.0.1', port: 0 })
    await send(server.url, { method: 'GET', path: '/', headers: [['Connection', 'keep-alive']] })
    await server.close()
  })

  test('a body sent in several chunks reaches the app whole and in order', async () => {
    const seen: HttpRequest[] = []
    const server = await startServer(echoApp(seen), { host: '127.0.0.1', port: 0 })
    try {
      const parts = ['Action=ListUsers', '&Version=2010-05-08', '&Marker=', 'é'.repeat(3000)]
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest(`${server.url}/`, {
          method: 'POST',
          headers: { 'Transfer-Encoding': 'chunked' },
        })
        req.on('response', (response) => response.resume().on('end', resolve))
        req.on('error', reject)
        // One write per event-loop turn, so the server sees separate chunks.
        const next = (i: number) => {
          if (i === parts.length) return void req.end()
          req.write(parts[i])
          setTimeout(() => next(i + 1), 5)
        }
        next(0)
      })
      assert.equal(new TextDecoder().decode(seen[0]?.body), parts.join(''))
    } finally {
      await server.close()
    }
  })
})

/** Runs `body` against a server for `app` on a free port, and closes it after. */
async function withServer(
  app: App,
  body: (server: RunningServer) => Promise<void>,
  options: Pick<ServerOptions, 'limits' | 'logger'> = {},
) {
  const server = await startServer(app, { host: '127.0.0.1', port: 0, ...options })
  try {
    await body(server)
  } finally {
    await server.close()
  }
}

const GET = (target: string, fields = '') => `GET ${target} HTTP/1.1\r\nHost: h\r\n${fields}\r\n`

describe('startServer on the wire', () => {
  test('answers a keep-alive request with status, fields, length, Date and keep-alive', async () => {
    await withServer(recordingApp([]), async (server) => {
      const wire = await openWire(server.port)
      sendRaw(wire, GET('/x?a=1'))
      const text = await wire.waitFor('GET /x?a=1 ')
      // node's bytes: the app's fields as given, then Date and the connection's terms.
      assert.equal(
        masked(text),
        'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 11\r\nDate: *\r\n' +
          'Connection: keep-alive\r\nKeep-Alive: timeout=5, max=1000\r\n\r\nGET /x?a=1 ',
      )
      assert.match(text, /Date: \w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\r\n/)
      await delay(50)
      assert.equal(wire.isEnded(), false)
      wire.socket.destroy()
    })
  })

  test('closes after answering HTTP/1.0, unless it asked for keep-alive', async () => {
    await withServer(recordingApp([]), async (server) => {
      const once = await openWire(server.port)
      sendRaw(once, 'GET /a HTTP/1.0\r\n\r\n')
      const text = await once.ended()
      assert.match(text, /^HTTP\/1\.1 200 OK\r\n[^]*Connection: close\r\n\r\nGET \/a $/)
      assert.doesNotMatch(text, /Keep-Alive/)

      const kept = await openWire(server.port)
      sendRaw(kept, 'GET /b HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')
      await kept.waitFor('GET /b ')
      assert.match(kept.received(), /Connection: keep-alive\r\nKeep-Alive: timeout=5, max=1000\r\n/)
      sendRaw(kept, 'GET /c HTTP/1.0\r\n\r\n')
      assert.match(await kept.ended(), /GET \/c $/)
    })
  })

  test('closes after answering a request that says Connection: close', async () => {
    await withServer(recordingApp([]), async (server) => {
      const wire = await openWire(server.port)
      sendRaw(wire, GET('/a', 'Connection: close\r\n') + GET('/never'))
      const text = await wire.ended()
      assert.match(text, /Connection: close\r\n\r\nGET \/a $/)
      assert.doesNotMatch(text, /never/)
    })
  })

  test('answers pipelined requests in order, handing the app one at a time', async () => {
    const events: string[] = []
    const app: App = {
      handle: async (request) => {
        events.push(`start ${request.path}`)
        if (request.path === '/slow') await delay(60)
        events.push(`end ${request.path}`)
        return { status: 200, headers: {}, body: request.path }
      },
    }
    await withServer(app, async (server) => {
      const wire = await openWire(server.port)
      sendRaw(wire, GET('/slow'))
      // The next ones arrive while the first is with the app.
      await delay(20)
      sendRaw(wire, GET('/fast') + GET('/last'))
      const text = await wire.waitFor(/\/last$/)
      const bodies = text
        .split('HTTP/1.1 200 OK')
        .map((part) => part.slice(part.lastIndexOf('\n') + 1))
      assert.deepEqual(bodies.slice(1), ['/slow', '/fast', '/last'])
      assert.deepEqual(events, [
        'start /slow',
        'end /slow',
        'start /fast',
        'end /fast',
        'start /last',
        'end /last',
      ])
      wire.socket.destroy()
    })
  })

  test('sends 100 Continue before the body of a request that expects it', async () => {
    await withServer(recordingApp([]), async (server) => {
      const wire = await openWire(server.port)
      sendRaw(
        wire,
        'POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n',
      )
      assert.equal(await wire.waitFor('\r\n\r\n'), 'HTTP/1.1 100 Continue\r\n\r\n')
      sendRaw(wire, 'body')
      assert.match(await wire.waitFor('POST / body'), /100 Continue\r\n\r\nHTTP\/1\.1 200 OK/)
      wire.socket.destroy()
    })
  })

  test('refuses an expectation other than 100-continue with 417 and keeps the connection', async () => {
    const seen: HttpRequest[] = []
    await withServer(recordingApp(seen), async (server) => {
      const wire = await openWire(server.port)
      sendRaw(wire, 'POST / HTTP/1.1\r\nHost: h\r\nExpect: teapot\r\nContent-Length: 0\r\n\r\n')
      // node answers this one itself.
      assert.match(await wire.waitFor('\r\n0\r\n\r\n'), /^HTTP\/1\.1 417 Expectation Failed\r\n/)
      sendRaw(wire, GET('/next'))
      await wire.waitFor('GET /next ')
      assert.deepEqual(
        seen.map((request) => request.path),
        ['/next'],
      )
      wire.socket.destroy()
    })
  })

  test('decodes a chunked body with extensions and trailers', async () => {
    const seen: HttpRequest[] = []
    await withServer(recordingApp(seen), async (server) => {
      const wire = await openWire(server.port)
      sendRaw(
        wire,
        'POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n' +
          '5;a=b\r\nAct=1\r\n6;x\r\n&Two=2\r\n0\r\nX-Checksum: abc\r\n\r\n' +
          GET('/after'),
      )
      await wire.waitFor('GET /after ')
      assert.deepEqual(
        seen.map((request) => [request.path, Buffer.from(request.body).toString()]),
        [
          ['/c', 'Act=1&Two=2'],
          ['/after', ''],
        ],
      )
      wire.socket.destroy()
    })
  })

  test('refuses a malformed request in AWS shape and closes; the framing suite has the rest', async () => {
    const seen: HttpRequest[] = []
    await withServer(recordingApp(seen), async (server) => {
      const wire = await openWire(server.port)
      sendRaw(wire, 'GET / HTTP/1.1\nHost: h\n\n')
      const text = await wire.ended()
      const [head, body] = text.split('\r\n\r\n')
      assert.match(
        head ?? '',
        /^HTTP\/1\.1 400 Bad Request\r\ncontent-type: text\/xml\r\nx-amzn-RequestId: [0-9a-f-]{36}\r\n/,
      )
      assert.match(head ?? '', /\r\nConnection: close$/)
      assert.equal(
        body?.replace(/[0-9a-f-]{36}/, 'ID'),
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>' +
          '<Code>MalformedHttpRequestException</Code><Message>Problems with the request at the ' +
          'HTTP level (HPE_INVALID_VERSION).</Message></Error><RequestId>ID</RequestId></ErrorResponse>',
      )
      assert.equal(seen.length, 0)
    })
  })

  test('refuses a head over 16 KiB with 431 in AWS shape and closes', async () => {
    await withServer(recordingApp([]), async (server) => {
      const fits = await openWire(server.port)
      sendRaw(fits, GET('/', `X-Big: ${'a'.repeat(16 * 1024 - 100)}\r\n`))
      await fits.waitFor('GET / ')
      fits.socket.destroy()
      const wire = await openWire(server.port)
      sendRaw(wire, GET('/', `X-Big: ${'a'.repeat(16 * 1024)}\r\n`))
      const text = await wire.ended()
      assert.match(text, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/)
      assert.match(text, /<Code>RequestEntityTooLargeException<\/Code>/)
    })
  })

  test('refuses bodies over the limit with 413, declared or chunked, before the app', async () => {
    const seen: HttpRequest[] = []
    const tooLarge = (text: string) => {
      assert.match(text, /^HTTP\/1\.1 413 Payload Too Large\r\ncontent-type: text\/xml\r\n/)
      assert.match(
        text,
        /<Code>RequestEntityTooLargeException<\/Code><Message>The request body is larger than 100 bytes, the most this server accepts\.<\/Message>/,
      )
    }
    await withServer(
      recordingApp(seen),
      async (server) => {
        const declared = await openWire(server.port)
        sendRaw(declared, 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n')
        tooLarge(await declared.waitFor('</ErrorResponse>'))
        const chunked = await openWire(server.port)
        sendRaw(chunked, 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n')
        sendRaw(chunked, `40\r\n${'a'.repeat(64)}\r\n`)
        sendRaw(chunked, `40\r\n${'a'.repeat(64)}\r\n`)
        tooLarge(await chunked.waitFor('</ErrorResponse>'))
        // The rest of a body that never ends is dropped for a while, then the connection closed.
        await Promise.all([declared.ended(), chunked.ended()])
        assert.equal(seen.length, 0)
      },
      { limits: { maxBodyBytes: 100 } },
    )
  })

  test('reads and drops the rest of a refused body, then serves the next request', async () => {
    const seen: HttpRequest[] = []
    await withServer(
      recordingApp(seen),
      async (server) => {
        const wire = await openWire(server.port)
        sendRaw(wire, `POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 300\r\n\r\n${'a'.repeat(300)}`)
        await wire.waitFor('</ErrorResponse>')
        sendRaw(wire, GET('/next'))
        await wire.waitFor('GET /next ')
        assert.deepEqual(
          seen.map((request) => request.path),
          ['/next'],
        )
        wire.socket.destroy()
      },
      { limits: { maxBodyBytes: 100 } },
    )
  })

  test('refuses a body over the limit before 100 Continue, and closes', async () => {
    await withServer(
      recordingApp([]),
      async (server) => {
        const wire = await openWire(server.port)
        sendRaw(
          wire,
          'POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 101\r\n\r\n',
        )
        const text = await wire.ended()
        assert.match(text, /^HTTP\/1\.1 413 Payload Too Large\r\n/)
        assert.match(text, /\r\nconnection: close\r\n/i)
        assert.doesNotMatch(text, /100 Continue/)
      },
      { limits: { maxBodyBytes: 100 } },
    )
  })

  test('sends no body for HEAD, so a pipelined request after it is read right', async () => {
    await withServer(recordingApp([]), async (server) => {
      const wire = await openWire(server.port)
      sendRaw(wire, `HEAD /h HTTP/1.1\r\nHost: h\r\n\r\n${GET('/next')}`)
      const text = masked(await wire.waitFor('GET /next '))
      assert.ok(
        text.startsWith('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 8\r\n'),
      )
      assert.match(text, /Keep-Alive: timeout=5, max=1000\r\n\r\nHTTP\/1\.1 200 OK\r\n/)
      wire.socket.destroy()
    })
  })

  test('takes a request sent one byte at a time', async () => {
    const seen: HttpRequest[] = []
    await withServer(recordingApp(seen), async (server) => {
      const wire = await openWire(server.port)
      const request = 'POST /bytes HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello'
      for (const byte of request) {
        sendRaw(wire, byte)
        await delay(1)
      }
      await wire.waitFor('POST /bytes hello')
      assert.equal(seen.length, 1)
      wire.socket.destroy()
    })
  })

  test('survives a client that resets in the middle of a body', async () => {
    const seen: HttpRequest[] = []
    await withServer(recordingApp(seen), async (server) => {
      const wire = await openWire(server.port)
      sendRaw(wire, 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\npartial')
      await delay(20)
      wire.socket.resetAndDestroy()
      await delay(20)
      const next = await openWire(server.port)
      sendRaw(next, GET('/after'))
      await next.waitFor('GET /after ')
      assert.deepEqual(
        seen.map((request) => request.path),
        ['/after'],
      )
      next.socket.destroy()
    })
  })

  test('answers a request whose client ended its side, then closes', async () => {
    await withServer(recordingApp([]), async (server) => {
      const wire = await openWire(server.port, { allowHalfOpen: true })
      sendRaw(wire, GET('/one') + GET('/two'))
      wire.socket.end()
      const text = await wire.ended()
      // Both were received before the end, so both are answered; then the server closes too.
      assert.match(text, /\r\n\r\nGET \/one HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\nGET \/two $/)
    })
  })

  test('stops reading while an answer waits for the client to take it', async () => {
    const seen: string[] = []
    const big = 'x'.repeat(32 * 1024 * 1024)
    const app: App = {
      handle: async (request) => {
        seen.push(request.path)
        return { status: 200, headers: {}, body: request.path === '/big' ? big : request.path }
      },
    }
    await withServer(app, async (server) => {
      const wire = await openWire(server.port)
      wire.socket.pause()
      sendRaw(wire, GET('/big') + GET('/next'))
      await delay(300)
      assert.deepEqual(seen, ['/big'])
      let received = 0
      let tail = ''
      wire.socket.removeAllListeners('data')
      await new Promise<void>((resolve) => {
        wire.socket.on('data', (chunk: Buffer) => {
          received += chunk.length
          tail = (tail + chunk.toString('latin1')).slice(-200)
          if (tail.endsWith('/next')) resolve()
        })
        wire.socket.resume()
      })
      assert.deepEqual(seen, ['/big', '/next'])
      assert.ok(received > big.length)
      wire.socket.destroy()
    })
  })

  test('answers 500 InternalFailure with Connection: close and logs when the app throws', async () => {
    const lines: string[] = []
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) })
    const app: App = {
      handle: async (request) => {
        if (request.path === '/bad-header') {
          return { status: 200, headers: { 'x-a': 'a\r\nInjected: yes' }, body: '' }
        }
        throw new Error('boom')
      },
    }
    await withServer(
      app,
      async (server) => {
        for (const path of ['/throws', '/bad-header']) {
          const wire = await openWire(server.port)
          sendRaw(wire, GET(path))
          const text = await wire.ended()
          assert.match(text, /^HTTP\/1\.1 500 Internal Server Error\r\n/)
          assert.match(text, /\r\nconnection: close\r\n/)
          assert.doesNotMatch(text, /Injected/)
          assert.match(
            text,
            /<Type>Receiver<\/Type><Code>InternalFailure<\/Code><Message>The request processing has failed because of an unknown error, exception or failure\.<\/Message>/,
          )
        }
      },
      { logger },
    )
    assert.equal(lines.filter((line) => line.includes('request failed outside the app')).length, 2)
  })

  test('close() ends idle keep-alive connections and resolves', async () => {
    const server = await startServer(recordingApp([]), { host: '127.0.0.1', port: 0 })
    const idle = await openWire(server.port)
    sendRaw(idle, GET('/'))
    await idle.waitFor('GET / ')
    const silent = await openWire(server.port)
    await server.close()
    await idle.ended()
    await silent.ended()
  })

  test(
    'serves TLS: the app sees secure requests and the client address',
    { timeout: 20_000 },
    async () => {
      const now = new Date()
      const ca = await createCertificateAuthority({ now })
      const certificate = await createServerCertificate({ ca, names: ['127.0.0.1'], now })
      const key = certificate.keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
      const seen: HttpRequest[] = []
      const server = await startServer(recordingApp(seen), {
        host: '127.0.0.1',
        port: 0,
        tls: { cert: certificate.pem, key },
      })
      try {
        assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/)
        const text = await new Promise<string>((resolve, reject) => {
          const socket = tlsConnect({ port: server.port, host: '127.0.0.1', ca: ca.pem })
          let data = ''
          socket.on('data', (chunk: Buffer) => (data += chunk.toString()))
          socket.on('end', () => resolve(data))
          socket.on('error', reject)
          socket.write(GET('/a', 'Connection: close\r\n') + GET('/b'))
        })
        assert.match(text, /^HTTP\/1\.1 200 OK\r\n[^]*Connection: close\r\n\r\nGET \/a $/)
        assert.equal(seen.length, 1)
        assert.equal(seen[0]?.secure, true)
        assert.equal(seen[0]?.sourceIp, '127.0.0.1')
        // A client stuck before its handshake does not hold close() up.
        const stuck = await openWire(server.port)
        await delay(20)
        await server.close()
        await stuck.ended()
      } finally {
        await server.close().catch(() => undefined)
      }
    },
  )
})

/** The README's "Limits" table: each limit's name (in backticks) and its value. */
function documentedLimits(): Map<string, number> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('### Limits'), readme.indexOf('## What it serves'))
  const units: Record<string, number> = { KiB: 1024, MiB: 1024 * 1024, s: 1000, '': 1 }
  const limits = new Map<string, number>()
  for (const row of section.matchAll(/^\| [^|]*`(\w+)`\) *\| ([\d,]+) ?(KiB|MiB|s)? *\|/gm)) {
    const [, name, number, unit] = row as unknown as [string, string, string, string | undefined]
    limits.set(name, Number(number.replaceAll(',', '')) * (units[unit ?? ''] ?? NaN))
  }
  return limits
}

describe('limits', () => {
  test("the server runs with the limits the README documents, set on node's server", async () => {
    const documented = documentedLimits()
    assert.deepEqual([...documented.keys()].sort(), Object.keys(SERVER_LIMITS).sort())
    for (const [name, value] of documented) {
      assert.equal(SERVER_LIMITS[name as keyof typeof SERVER_LIMITS], value, name)
    }
    await withServer(recordingApp([]), async (server) => {
      const node = server.node
      assert.deepEqual(server.limits, SERVER_LIMITS)
      const maxHeaderSize = (node as unknown as { maxHeaderSize: number }).maxHeaderSize
      assert.equal(maxHeaderSize, documented.get('maxHeaderBytes'))
      assert.equal(node.maxConnections, documented.get('maxConnections'))
      assert.equal(node.maxRequestsPerSocket, documented.get('maxRequestsPerSocket'))
      assert.equal(node.headersTimeout, documented.get('headersTimeoutMs'))
      assert.equal(node.requestTimeout, documented.get('requestTimeoutMs'))
      assert.equal(node.keepAliveTimeout, documented.get('keepAliveTimeoutMs'))
      assert.equal(node.timeout, documented.get('socketIdleTimeoutMs'))
      const interval = (node as unknown as { connectionsCheckingInterval: number })
        .connectionsCheckingInterval
      assert.equal(interval, documented.get('timeoutCheckIntervalMs'))
    })
  })

  test('the last request a connection may carry is answered with Connection: close, then it closes', async () => {
    const seen: HttpRequest[] = []
    await withServer(
      recordingApp(seen),
      async (server) => {
        const wire = await openWire(server.port)
        sendRaw(wire, GET('/1'))
        assert.match(await wire.waitFor('GET /1 '), /Keep-Alive: timeout=5, max=2\r\n/)
        sendRaw(wire, GET('/2'))
        const text = await wire.ended()
        assert.match(
          text.slice(text.lastIndexOf('HTTP/1.1')),
          /\r\nConnection: close\r\n[^]*GET \/2 $/,
        )
        // A client that pipelines past the limit gets node's bare 503 for the one too many.
        const piped = await openWire(server.port)
        sendRaw(piped, GET('/a') + GET('/b') + GET('/c'))
        assert.match(await piped.ended(), /GET \/b HTTP\/1\.1 503 Service Unavailable\r\n/)
        assert.deepEqual(
          seen.map((request) => request.path),
          ['/1', '/2', '/a', '/b'],
        )
      },
      { limits: { maxRequestsPerSocket: 2 } },
    )
  })

  test('a connection with more pipelined requests waiting than allowed is closed', async () => {
    const seen: string[] = []
    const lines: string[] = []
    const app: App = {
      handle: async (request) => {
        seen.push(request.path)
        await delay(100)
        return { status: 200, headers: {}, body: request.path }
      },
    }
    await withServer(
      app,
      async (server) => {
        const fits = await openWire(server.port)
        sendRaw(fits, GET('/a') + GET('/b') + GET('/c'))
        await fits.waitFor(/\/c$/)
        fits.socket.destroy()
        const wire = await openWire(server.port)
        sendRaw(wire, GET('/1') + GET('/2') + GET('/3') + GET('/4'))
        await wire.ended()
        assert.deepEqual(seen, ['/a', '/b', '/c', '/1'])
      },
      {
        limits: { maxPipelinedRequests: 2 },
        logger: pino({ level: 'warn' }, { write: (line: string) => lines.push(line) }),
      },
    )
    assert.equal(lines.filter((line) => line.includes('too many pipelined requests')).length, 1)
  })
})

describe('plainAddress', () => {
  test('unwraps IPv4-mapped IPv6 addresses and leaves every other address as it is', () => {
    const table: [address: string | undefined, expected: string][] = [
      ['::ffff:10.1.2.3', '10.1.2.3'],
      ['::ffff:127.0.0.1', '127.0.0.1'],
      ['127.0.0.1', '127.0.0.1'],
      ['::1', '::1'],
      ['2001:db8::1', '2001:db8::1'],
      ['::ffff:abcd:1', '::ffff:abcd:1'],
      ['::ffff:10.1.2.3.4', '::ffff:10.1.2.3.4'],
      [undefined, ''],
    ]
    for (const [address, expected] of table) assert.equal(plainAddress(address), expected, address)
  })
})
