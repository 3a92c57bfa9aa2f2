// The node:http adapter: what reaches the app is what the client sent, and the app's answer is
// what the client gets back.
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { describe, test } from 'node:test'
import type { App } from '../../src/http/app.js'
import type { HttpRequest } from '../../src/http/http-message.js'
import { plainAddress, startServer } from '../../src/http/node-server.js'

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

  test('refuses a body over the limit with 413 without calling the app', async () => {
    const seen: HttpRequest[] = []
    const server = await startServer(echoApp(seen), {
      host: '127.0.0.1',
      port: 0,
      maxBodyBytes: 1024,
    })
    try {
      const response = await send(server.url, {
        method: 'POST',
        path: '/',
        body: Buffer.alloc(4096, 'a'),
      }).catch((error: NodeJS.ErrnoException) => ({
        status: error.code === 'ECONNRESET' ? 413 : 0,
        headers: {},
        body: '',
      }))
      assert.equal(response.status, 413)
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
