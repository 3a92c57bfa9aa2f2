// Connection timeouts of the HTTP/1.1 server, with node's defaults scaled down so they run in
// milliseconds: idle keep-alive, a head that never ends, a body that never ends, a slow close.
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { describe, test } from 'node:test'
import type { App } from '../../src/http/app.js'
import { serveHttp1 } from '../../src/http/http1-connection.js'
import type { Http1Timeouts } from '../../src/http/http1-connection.js'
import type { HttpRequest } from '../../src/http/http-message.js'
import { delay, openWire, recordingApp, send } from '../support/http1-wire.js'

const TIMEOUTS: Http1Timeouts = {
  keepAliveMs: 300,
  headersMs: 400,
  requestMs: 1600,
  lingerMs: 300,
  sweepMs: 20,
}

async function withHttp1(app: App, body: (port: number) => Promise<void>) {
  const server = createServer({ allowHalfOpen: true })
  const service = serveHttp1(server, {
    app,
    limits: { maxHeaderBytes: 16 * 1024, maxBodyBytes: 1024 },
    secure: false,
    timeouts: TIMEOUTS,
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    await body((server.address() as AddressInfo).port)
  } finally {
    const closed = new Promise((resolve) => server.close(resolve))
    service.closeConnections()
    await closed
  }
}

const TIMEOUT_408 = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n'

describe('serveHttp1 timeouts', () => {
  test('closes a keep-alive connection idle for keepAliveMs, not before', async () => {
    await withHttp1(recordingApp([]), async (port) => {
      const wire = await openWire(port)
      send(wire, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n')
      await wire.waitFor('GET / ')
      const answered = Date.now()
      await delay(150)
      // A request within the timeout keeps the connection.
      send(wire, 'GET /again HTTP/1.1\r\nHost: h\r\n\r\n')
      await wire.waitFor('GET /again ')
      const again = Date.now()
      await wire.ended(2000)
      const idle = Date.now() - again
      assert.ok(idle >= 280 && idle < 1000, `closed after ${idle} ms idle`)
      assert.ok(again - answered >= 150)
    })
  })

  test('answers 408 when a head is not in within headersMs', async () => {
    await withHttp1(recordingApp([]), async (port) => {
      const wire = await openWire(port)
      const start = Date.now()
      send(wire, 'GET / HTTP/1.1\r\nHost: h\r\n')
      assert.equal(await wire.ended(2000), TIMEOUT_408)
      const waited = Date.now() - start
      assert.ok(waited >= 380 && waited < 1200, `408 after ${waited} ms`)
    })
  })

  test('gives a body until requestMs, then answers 408 without calling the app', async () => {
    const seen: HttpRequest[] = []
    await withHttp1(recordingApp(seen), async (port) => {
      const wire = await openWire(port)
      const start = Date.now()
      send(wire, 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nhalf')
      await delay(TIMEOUTS.headersMs + 100)
      assert.equal(wire.isEnded(), false)
      assert.equal(await wire.ended(4000), TIMEOUT_408)
      const waited = Date.now() - start
      assert.ok(waited >= 1580 && waited < 3000, `408 after ${waited} ms`)
      assert.equal(seen.length, 0)
    })
  })

  test('does not time out a request while the app works on it', async () => {
    const app: App = {
      handle: async () => {
        await delay(TIMEOUTS.requestMs + 200)
        return { status: 200, headers: {}, body: 'late' }
      },
    }
    await withHttp1(app, async (port) => {
      const wire = await openWire(port)
      send(wire, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n')
      assert.match(await wire.waitFor('late', 3000), /^HTTP\/1\.1 200 OK\r\n/)
      wire.socket.destroy()
    })
  })

  test('destroys a closing connection whose client never closes its side after lingerMs', async () => {
    await withHttp1(recordingApp([]), async (port) => {
      const wire = await openWire(port, { allowHalfOpen: true })
      let closed = false
      wire.socket.on('close', () => (closed = true))
      send(wire, 'GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
      await wire.ended()
      // The server ended its side and still reads (and drops) what comes, until lingerMs.
      send(wire, 'ignored')
      await delay(100)
      assert.equal(closed, false)
      await delay(TIMEOUTS.lingerMs + 100)
      // Then the socket is gone: what the client sends now is met with a reset, the next write
      // with EPIPE.
      send(wire, 'too late')
      await delay(50)
      send(wire, 'again')
      await delay(200)
      assert.equal(closed, true)
    })
  })
})
