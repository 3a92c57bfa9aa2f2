// The server under floods that cost an attacker little: memory stays bounded (the server runs in a
// child process and its peak RSS is read), connections are capped and cut off, and a normal request
// is still answered. The bounds are generous; what they catch is growth with what was sent.
import assert from 'node:assert/strict'
import type { Socket } from 'node:net'
import { after, describe, test } from 'node:test'
import { delay, openWire } from '../support/http1-wire.js'
import type { Wire } from '../support/http1-wire.js'
import { mib, startServerProcess } from '../support/server-process.js'
import type { ServerProcess } from '../support/server-process.js'

/** Far above what the server needs (about 100 MB with tsx), far below what the floods cost unbounded. */
const RSS_BOUND = 350 * 1024 * 1024

const running: ServerProcess[] = []
after(async () => {
  await Promise.all(running.map((server) => server.stop()))
})

async function serverProcess(options: object = {}): Promise<ServerProcess> {
  const server = await startServerProcess(options)
  running.push(server)
  return server
}

/** Writes `data`, waiting while the socket's buffer is full; false once the socket is gone. */
async function write(socket: Socket, data: Buffer | string): Promise<boolean> {
  if (socket.destroyed || socket.writableEnded) return false
  if (socket.write(data)) return true
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      socket.off('drain', onDrain)
      socket.off('close', onClose)
      resolve(ok)
    }
    const onDrain = () => done(true)
    const onClose = () => done(false)
    socket.once('drain', onDrain)
    socket.once('close', onClose)
  })
}

/** A plain GET on a fresh connection; resolves with the status line, rejects on no answer. */
async function normalRequest(port: number, ms = 15_000): Promise<string> {
  const wire = await openWire(port)
  try {
    wire.socket.write('GET /normal HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n')
    const text = await wire.waitFor('GET /normal 0', ms)
    return text.slice(0, text.indexOf('\r\n'))
  } finally {
    wire.socket.destroy()
  }
}

/** Opens `count` raw connections in batches; each records whether the server closed it. */
async function openMany(port: number, count: number): Promise<Wire[]> {
  const wires: Wire[] = []
  for (let start = 0; start < count; start += 250) {
    const batch = Math.min(250, count - start)
    wires.push(...(await Promise.all(Array.from({ length: batch }, () => openWire(port)))))
  }
  return wires
}

describe('server limits under floods', { concurrency: false }, () => {
  test(
    'bodies of 1-byte chunks with large extensions that never end keep memory bounded',
    { timeout: 60_000 },
    async (t) => {
      const server = await serverProcess()
      const before = await server.memory()
      // 4,000 bytes of extension per 1-byte chunk: under node's 16 KiB per chunk and under the
      // 4 KiB line limit of the parser this replaced, so both kept reading.
      const chunk = `1;e=${'x'.repeat(4000)}\r\na\r\n`
      const block = Buffer.from(chunk.repeat(256))
      const perConnection = 256 * 1024 * 1024
      const sockets = await Promise.all(
        [0, 1, 2].map(async () => {
          const wire = await openWire(server.port)
          await write(
            wire.socket,
            'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n',
          )
          return wire
        }),
      )
      let sent = 0
      await Promise.all(
        sockets.map(async (wire) => {
          for (let bytes = 0; bytes < perConnection; bytes += block.length) {
            if (!(await write(wire.socket, block))) break
            sent += block.length
          }
        }),
      )
      await delay(500)
      assert.equal(server.alive(), true, 'the server process died')
      const memory = await server.memory()
      t.diagnostic(
        `sent ${mib(sent)} MiB (${Math.round(sent / chunk.length / 1024)} Ki chunks); ` +
          `RSS ${mib(before.rss)} -> peak ${mib(memory.peakRss)} MiB`,
      )
      assert.ok(sent >= 3 * perConnection * 0.9, `only ${mib(sent)} MiB went out`)
      assert.ok(memory.peakRss < RSS_BOUND, `peak RSS ${mib(memory.peakRss)} MiB`)
      assert.match(await normalRequest(server.port), /^HTTP\/1\.1 200 /)
      for (const wire of sockets) wire.socket.destroy()
    },
  )

  test(
    '1,000 slow connections are cut at the timeouts, memory stays bounded, a normal request is answered',
    { timeout: 60_000 },
    async (t) => {
      // Short timeouts, so the test sees the cut; the real ones are checked in node-server.test.ts.
      const server = await serverProcess({
        limits: { headersTimeoutMs: 3000, requestTimeoutMs: 6000, timeoutCheckIntervalMs: 250 },
      })
      const before = await server.memory()
      const wires = await openMany(server.port, 1000)
      const start = performance.now()
      const cutAt = new Map<Wire, number>()
      // Half trickle a head that never ends (slowloris), half a chunked body of 1-byte chunks.
      wires.forEach((wire, i) => {
        wire.socket.setNoDelay(true)
        wire.socket.write(
          i % 2 === 0
            ? 'POST / HTTP/1.1\r\nHost: h\r\nX-Slow: '
            : 'POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n',
        )
        void wire.ended(60_000).then(
          () => cutAt.set(wire, Math.round(performance.now() - start)),
          () => undefined,
        )
      })
      const latencies: number[] = []
      for (let tick = 1; tick <= 100 && cutAt.size < wires.length; tick++) {
        wires.forEach((wire, i) => {
          if (!wire.isEnded()) wire.socket.write(i % 2 === 0 ? 'a' : '1\r\na\r\n')
        })
        if (tick % 10 === 0) {
          const sent = performance.now()
          assert.match(await normalRequest(server.port), /^HTTP\/1\.1 200 /)
          latencies.push(Math.round(performance.now() - sent))
        } else {
          await delay(100)
        }
      }
      assert.equal(server.alive(), true, 'the server process died')
      const memory = await server.memory()
      const times = (parity: number) => {
        const ms = wires.filter((_, i) => i % 2 === parity).map((wire) => cutAt.get(wire) ?? NaN)
        return `${Math.min(...ms)}-${Math.max(...ms)} ms`
      }
      t.diagnostic(
        `heads cut after ${times(0)}, bodies after ${times(1)}; normal requests answered in ` +
          `${latencies.join(', ')} ms; RSS ${mib(before.rss)} -> peak ${mib(memory.peakRss)} MiB`,
      )
      assert.equal(cutAt.size, wires.length, `${cutAt.size} of ${wires.length} were cut`)
      for (const wire of wires) {
        assert.match(wire.received(), /^HTTP\/1\.1 408 Request Timeout\r\n/)
        assert.match(wire.received(), /<Code>RequestTimeoutException<\/Code>/)
      }
      assert.ok(memory.peakRss < RSS_BOUND, `peak RSS ${mib(memory.peakRss)} MiB`)
    },
  )

  test(
    'a flood of 5,000 idle sockets is held to maxConnections and the server answers once they time out',
    { timeout: 60_000 },
    async (t) => {
      // The real connection cap; header timeouts short enough that the flood ends within the test,
      // long enough that none is cut while 5,000 sockets are still being opened.
      const server = await serverProcess({
        limits: { headersTimeoutMs: 15_000, requestTimeoutMs: 15_000, timeoutCheckIntervalMs: 250 },
      })
      const before = await server.memory()
      const opened = performance.now()
      const wires = await openMany(server.port, 5000)
      await delay(500)
      const closedAtOnce = wires.filter((wire) => wire.isEnded()).length
      const during = await server.memory()
      t.diagnostic(
        `opened 5,000 in ${Math.round(performance.now() - opened)} ms; ${closedAtOnce} closed at ` +
          `once; the server holds ${during.connections}; RSS ${mib(before.rss)} -> ${mib(during.rss)} MiB`,
      )
      assert.equal(closedAtOnce, 5000 - 4096)
      assert.equal(during.connections, 4096)
      // Past the cap a new client is closed without an answer.
      const refused = await openWire(server.port)
      assert.equal(await refused.ended(2000), '')
      // The idle ones are cut at the headers timeout, after which the server answers again.
      await Promise.all(wires.map((wire) => wire.ended(30_000)))
      assert.match(await normalRequest(server.port), /^HTTP\/1\.1 200 /)
      const memory = await server.memory()
      t.diagnostic(`peak RSS ${mib(memory.peakRss)} MiB`)
      assert.ok(memory.peakRss < RSS_BOUND, `peak RSS ${mib(memory.peakRss)} MiB`)
    },
  )

  test(
    'clients that never read their responses are cut off and memory stays bounded',
    { timeout: 60_000 },
    async (t) => {
      const server = await serverProcess({ limits: { socketIdleTimeoutMs: 2000 } })
      const before = await server.memory()
      const request = 'GET /big HTTP/1.1\r\nHost: h\r\n\r\n'
      const openPaused = async (pipelined: number) => {
        const wire = await openWire(server.port)
        wire.socket.pause()
        wire.socket.write(request.repeat(pipelined))
        return wire
      }
      // Each asks for 1 MiB answers: a few at a time, or a thousand in one write.
      const few = await Promise.all(Array.from({ length: 10 }, () => openPaused(8)))
      const many = await Promise.all(Array.from({ length: 10 }, () => openPaused(1000)))
      // A client that does not read does not see the server close either: ask the server.
      const start = performance.now()
      await delay(500)
      const afterHalfASecond = (await server.memory()).connections
      let open = afterHalfASecond
      while (open !== 0 && performance.now() - start < 15_000) {
        await delay(250)
        open = (await server.memory()).connections
      }
      const waited = Math.round(performance.now() - start)
      assert.equal(server.alive(), true, 'the server process died')
      const memory = await server.memory()
      t.diagnostic(
        `${afterHalfASecond} of 20 open after 500 ms, ${open} after ${waited} ms; ` +
          `RSS ${mib(before.rss)} -> peak ${mib(memory.peakRss)} MiB`,
      )
      // Reading now, each client gets what its kernel buffered and then the server's close.
      const ended = await Promise.all(
        [...few, ...many].map((wire) => {
          wire.socket.resume()
          return wire.ended(5000).then(
            () => true,
            () => false,
          )
        }),
      )
      assert.equal(ended.filter(Boolean).length, 20, 'connections the server closed')
      assert.equal(open, 0, `${open} connections still open`)
      for (const wire of [...few, ...many]) wire.socket.destroy()
      assert.ok(memory.peakRss < RSS_BOUND, `peak RSS ${mib(memory.peakRss)} MiB`)
      assert.match(await normalRequest(server.port), /^HTTP\/1\.1 200 /)
    },
  )

  test(
    'bodies buffered across connections are capped: past the budget a request gets 503 ServiceUnavailable',
    { timeout: 60_000 },
    async (t) => {
      const server = await serverProcess()
      const before = await server.memory()
      const declared = 16 * 1024 * 1024
      const block = Buffer.alloc(1024 * 1024, 'a')
      const wires = await openMany(server.port, 40)
      // Each declares 16 MiB, sends all of it but the last byte, and waits.
      await Promise.all(
        wires.map(async (wire) => {
          await write(
            wire.socket,
            `POST / HTTP/1.1\r\nHost: h\r\nContent-Length: ${declared}\r\n\r\n`,
          )
          for (let bytes = 0; bytes < declared - block.length; bytes += block.length) {
            if (!(await write(wire.socket, block))) return
          }
          await write(wire.socket, block.subarray(1))
        }),
      )
      await delay(500)
      assert.equal(server.alive(), true, 'the server process died')
      const memory = await server.memory()
      const refused = wires.filter((wire) => wire.received().startsWith('HTTP/1.1 503 '))
      t.diagnostic(
        `${refused.length} of 40 refused with 503; RSS ${mib(before.rss)} -> peak ` +
          `${mib(memory.peakRss)} MiB`,
      )
      // 64 MiB of budget holds three such bodies whole; the fourth and later cross it.
      assert.ok(refused.length >= 36, `${refused.length} refused`)
      const answer = refused[0]?.received() ?? ''
      assert.match(answer, /<Code>ServiceUnavailable<\/Code>/)
      assert.match(answer, /<Type>Receiver<\/Type>/)
      assert.ok(memory.peakRss < RSS_BOUND, `peak RSS ${mib(memory.peakRss)} MiB`)
      // Closing the unfinished requests gives their bytes back: a body is accepted again.
      for (const wire of wires) wire.socket.destroy()
      await delay(200)
      const wire = await openWire(server.port)
      wire.socket.write(`POST /again HTTP/1.1\r\nHost: h\r\nContent-Length: ${declared}\r\n\r\n`)
      for (let bytes = 0; bytes < declared; bytes += block.length) await write(wire.socket, block)
      assert.match(await wire.waitFor(`POST /again ${declared}`, 15_000), /^HTTP\/1\.1 200 /)
      wire.socket.destroy()
    },
  )
})
