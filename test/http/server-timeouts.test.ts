// The server's timeouts, scaled down to run in about a second: an idle keep-alive connection, a
// head that never ends, a body that never ends, a TLS handshake that never starts, and an app
// slower than all of them, which is not cut off. Times are measured and reported; the checks only
// say that nothing was cut before its time and that everything was cut in the end.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { App } from '../../src/http/app.js'
import type { HttpRequest } from '../../src/http/http-message.js'
import { startServer } from '../../src/http/node-server.js'
import type { RunningServer, ServerLimits } from '../../src/http/node-server.js'
import { createCertificateAuthority, createServerCertificate } from '../../src/tls/certificate.js'
import { delay, openWire, recordingApp, send } from '../support/http1-wire.js'

const LIMITS: Partial<ServerLimits> = {
  keepAliveTimeoutMs: 300,
  headersTimeoutMs: 400,
  requestTimeoutMs: 1600,
  tlsHandshakeTimeoutMs: 400,
  timeoutCheckIntervalMs: 50,
}

async function withServer(
  app: App,
  body: (server: RunningServer) => Promise<void>,
  tls?: { cert: string; key: string },
) {
  const server = await startServer(app, { host: '127.0.0.1', port: 0, limits: LIMITS, tls })
  try {
    await body(server)
  } finally {
    await server.close()
  }
}

const isTimeout = (text: string) => {
  assert.match(text, /^HTTP\/1\.1 408 Request Timeout\r\n/)
  assert.match(text, /\r\nConnection: close\r\n/)
  assert.match(text, /<Code>RequestTimeoutException<\/Code>/)
}

describe('server timeouts', () => {
  test('closes a keep-alive connection left idle, not before keepAliveTimeout', async (t) => {
    await withServer(recordingApp([]), async (server) => {
      const wire = await openWire(server.port)
      send(wire, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n')
      await wire.waitFor('GET / ')
      await delay(150)
      // A request within the timeout keeps the connection.
      send(wire, 'GET /again HTTP/1.1\r\nHost: h\r\n\r\n')
      await wire.waitFor('GET /again ')
      const again = performance.now()
      await wire.ended(5000)
      const idle = Math.round(performance.now() - again)
      t.diagnostic(`closed after ${idle} ms idle (node adds a second to the announced timeout)`)
      assert.ok(idle >= 300, `closed after ${idle} ms`)
    })
  })

  test('answers 408 when a head is not in within headersTimeout', async (t) => {
    await withServer(recordingApp([]), async (server) => {
      const wire = await openWire(server.port)
      const start = performance.now()
      send(wire, 'GET / HTTP/1.1\r\nHost: h\r\n')
      isTimeout(await wire.ended(5000))
      const waited = Math.round(performance.now() - start)
      t.diagnostic(`408 after ${waited} ms`)
      assert.ok(waited >= 400, `408 after ${waited} ms`)
    })
  })

  test('answers 408 to a connection that sends nothing at all, after headersTimeout', async () => {
    await withServer(recordingApp([]), async (server) => {
      const wire = await openWire(server.port)
      isTimeout(await wire.ended(5000))
    })
  })

  test('gives a body until requestTimeout, then answers 408 without calling the app', async (t) => {
    const seen: HttpRequest[] = []
    await withServer(recordingApp(seen), async (server) => {
      const wire = await openWire(server.port)
      const start = performance.now()
      send(wire, 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nhalf')
      await delay(800)
      assert.equal(wire.isEnded(), false, 'cut at the headers timeout')
      isTimeout(await wire.ended(5000))
      const waited = Math.round(performance.now() - start)
      t.diagnostic(`408 after ${waited} ms`)
      assert.ok(waited >= 1600, `408 after ${waited} ms`)
      assert.equal(seen.length, 0)
    })
  })

  test('does not time out a request while the app works on it', async () => {
    const app: App = {
      handle: async () => {
        await delay(2000)
        return { status: 200, headers: {}, body: 'late' }
      },
    }
    await withServer(app, async (server) => {
      const wire = await openWire(server.port)
      send(wire, 'GET / HTTP/1.1\r\nHost: h\r\n\r\n')
      assert.match(await wire.waitFor('late', 5000), /^HTTP\/1\.1 200 OK\r\n/)
      wire.socket.destroy()
    })
  })

  test(
    'destroys a connection whose TLS handshake does not come',
    { timeout: 20_000 },
    async (t) => {
      const now = new Date()
      const ca = await createCertificateAuthority({ now })
      const certificate = await createServerCertificate({ ca, names: ['127.0.0.1'], now })
      const key = certificate.keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
      await withServer(
        recordingApp([]),
        async (server) => {
          // From before the connect: the server's clock starts at its accept, which a loaded
          // machine may report to this side only later.
          const start = performance.now()
          const wire = await openWire(server.port)
          assert.equal(await wire.ended(5000), '')
          const waited = Math.round(performance.now() - start)
          t.diagnostic(`destroyed after ${waited} ms`)
          assert.ok(waited >= 400, `destroyed after ${waited} ms`)
        },
        { cert: certificate.pem, key },
      )
    },
  )
})
