// Reading request bodies: the bytes come out as they went in however they were chunked, what is
// held is counted against the shared budget and stays within twice what was sent, and bodies over
// the limit or over the budget are refused with everything they held given back.
import assert from 'node:assert/strict'
import type { IncomingMessage } from 'node:http'
import { PassThrough } from 'node:stream'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { BodyBudget, readBody } from '../../src/http/request-body.js'
import type { BodyRefusal } from '../../src/http/request-body.js'

/** A stream standing in for node's IncomingMessage: readBody only listens to 'data' and 'end'. */
const incoming = () => new PassThrough() as unknown as IncomingMessage & PassThrough

/** Feeds `chunks` one event-loop turn apart, checking the budget after each. */
async function feed(
  chunks: Buffer[],
  options: { declared?: number | undefined; maxBodyBytes?: number; budget?: BodyBudget } = {},
) {
  const budget = options.budget ?? new BodyBudget(1024 * 1024)
  const request = incoming()
  const refusals: BodyRefusal[] = []
  const reader = readBody(
    request,
    { maxBodyBytes: options.maxBodyBytes ?? 64 * 1024, budget, declared: options.declared },
    (reason) => refusals.push(reason),
  )
  const before = budget.used
  let sent = 0
  let mostHeld = 0
  for (const chunk of chunks) {
    request.write(chunk)
    await new Promise((resolve) => setImmediate(resolve))
    sent += chunk.length
    const held = budget.used - before
    mostHeld = Math.max(mostHeld, held)
    assert.ok(held <= 2 * sent + 256, `${held} held after ${sent} bytes`)
  }
  request.end()
  const body = refusals.length > 0 ? undefined : Buffer.from(await reader.body)
  return { body, refusals, budget, reader, mostHeld }
}

const split = (text: string, sizes: number[]) => {
  const chunks: Buffer[] = []
  let at = 0
  for (let i = 0; at < text.length; i++) {
    const size = sizes[i % sizes.length] ?? 1
    chunks.push(Buffer.from(text.slice(at, at + size)))
    at += size
  }
  return chunks
}

describe('readBody', () => {
  test('gives the body as sent, however it was chunked, and gives its bytes back', async () => {
    const text = 'Action=CreateSAMLProvider&SAMLMetadataDocument=' + 'x'.repeat(5000)
    const cases: Array<[string, Buffer[], number | undefined]> = [
      ['one chunk, declared', [Buffer.from(text)], text.length],
      ['one chunk, chunked', [Buffer.from(text)], undefined],
      ['1-byte chunks, declared', split(text, [1]), text.length],
      ['1-byte chunks, chunked', split(text, [1]), undefined],
      ['mixed sizes', split(text, [1, 3000, 7, 1024, 1023]), undefined],
    ]
    for (const [name, chunks, declared] of cases) {
      const { body, budget, reader } = await feed(chunks, { declared })
      assert.equal(body?.toString(), text, name)
      reader.release()
      assert.equal(budget.used, 0, name)
    }
  })

  test('keeps any chunking of any body whole', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 6000 }),
        fc.array(fc.integer({ min: 1, max: 2000 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        async (bytes, sizes, declare) => {
          const chunks: Buffer[] = []
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const size = sizes[i % sizes.length] ?? 1
            chunks.push(Buffer.from(bytes.subarray(at, at + size)))
            at += size
          }
          const declared = declare ? bytes.length : undefined
          const { body } = await feed(chunks, { declared })
          assert.deepEqual(body, Buffer.from(bytes))
        },
      ),
      { numRuns: 60 },
    )
  })

  test('refuses a body past the limit and gives back what it held', async () => {
    const { refusals, budget, mostHeld } = await feed(split('a'.repeat(3000), [100]), {
      maxBodyBytes: 2048,
    })
    assert.deepEqual(refusals, ['too-large'])
    assert.ok(mostHeld > 0)
    assert.equal(budget.used, 0)
  })

  test('refuses a body that would take the budget past its limit', async () => {
    const budget = new BodyBudget(8 * 1024)
    assert.ok(budget.take(6 * 1024))
    const { refusals } = await feed(split('a'.repeat(4000), [2000]), { budget })
    assert.deepEqual(refusals, ['busy'])
    assert.equal(budget.used, 6 * 1024)
  })
})
