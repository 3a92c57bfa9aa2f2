// Request bodies read into one buffer as their bytes arrive, under a per-request limit and a budget
// shared by every request in progress, so that what clients send cannot grow memory without bound.
import type { IncomingMessage } from 'node:http'

/**
 * The bytes held for request bodies across all connections. A body's buffer takes from it as it
 * grows and gives back when its request is done.
 */
export class BodyBudget {
  private held = 0

  constructor(readonly limit: number) {}

  get used(): number {
    return this.held
  }

  take(bytes: number): boolean {
    if (this.held + bytes > this.limit) return false
    this.held += bytes
    return true
  }

  give(bytes: number): void {
    this.held -= bytes
  }
}

/** Why a body was not read: over the request's limit, or over the shared budget. */
export type BodyRefusal = 'too-large' | 'busy'

export interface BodyReader {
  /** The body once all of it is in; never settles when the read is refused or the client leaves. */
  readonly body: Promise<Uint8Array>
  /** Gives the body's bytes back to the budget; call it once the request is done, any way it ends. */
  release(): void
}

const EMPTY = new Uint8Array(0)
/** Chunks this large are kept as node handed them (each its own copy of the bytes). */
const KEEP_CHUNK = 1024
/**
 * Smaller chunks are copied together into buffers that grow with the body, from 256 bytes to
 * 16 KiB: what a body holds stays within twice what it was sent, plus 256 bytes.
 */
const GATHER_MIN = 256
const GATHER_MAX = 16 * 1024

/**
 * Reads `request`'s body as it streams in, counting every byte held against the shared budget.
 * Chunks of a kilobyte or more are kept; smaller ones are copied together, so a body of a million
 * 1-byte chunks is a megabyte, not a million Buffer objects. `refuse` is called at most once, and
 * the rest of the body is then left to flow away unread.
 */
export function readBody(
  request: IncomingMessage,
  limits: { maxBodyBytes: number; budget: BodyBudget; declared: number | undefined },
  refuse: (reason: BodyRefusal) => void,
): BodyReader {
  const { budget, declared } = limits
  const parts: Buffer[] = []
  /** The buffer small chunks are gathered in, and how much of it is filled. */
  let gather: Buffer | undefined
  let gathered = 0
  let length = 0
  let held = 0
  const release = () => {
    budget.give(held)
    held = 0
  }
  const take = (bytes: number): boolean => {
    if (!budget.take(bytes)) return false
    held += bytes
    return true
  }
  const closeGather = () => {
    if (gather && gathered > 0) {
      let filled = gather.subarray(0, gathered)
      if (gathered < gather.length) {
        // A large chunk cut this buffer short: keep an exact copy, not the unused rest.
        filled = Buffer.allocUnsafeSlow(gathered)
        gather.copy(filled, 0, 0, gathered)
        budget.give(gather.length - gathered)
        held -= gather.length - gathered
      }
      parts.push(filled)
    }
    gather = undefined
  }
  const add = (chunk: Buffer): BodyRefusal | undefined => {
    if (length + chunk.length > limits.maxBodyBytes) return 'too-large'
    if (chunk.length >= KEEP_CHUNK || (length === 0 && chunk.length === declared)) {
      if (!take(chunk.length)) return 'busy'
      closeGather()
      parts.push(chunk)
    } else {
      let offset = 0
      while (offset < chunk.length) {
        if (!gather || gathered === gather.length) {
          closeGather()
          const grown = Math.min(GATHER_MAX, Math.max(GATHER_MIN, length))
          // A declared body needs no more than what is still to come.
          const size = declared === undefined ? grown : Math.min(grown, declared - length)
          if (!take(size)) return 'busy'
          gather = Buffer.allocUnsafeSlow(size)
          gathered = 0
        }
        const copied = chunk.copy(gather, gathered, offset)
        gathered += copied
        offset += copied
        length += copied
      }
      return undefined
    }
    length += chunk.length
    return undefined
  }
  const body = new Promise<Uint8Array>((resolve) => {
    const onData = (chunk: Buffer) => {
      const refusal = add(chunk)
      if (refusal === undefined) return
      request.off('data', onData)
      request.off('end', onEnd)
      parts.length = 0
      gather = undefined
      release()
      refuse(refusal)
    }
    const onEnd = () => {
      closeGather()
      resolve(
        parts.length === 0 ? EMPTY : parts.length === 1 ? parts[0]! : Buffer.concat(parts, length),
      )
    }
    request.on('data', onData)
    request.on('end', onEnd)
  })
  return { body, release }
}

/** The Content-Length node validated (one decimal value), or undefined for chunked or none. */
export function declaredLength(request: IncomingMessage): number | undefined {
  const value = request.headers['content-length']
  return value === undefined ? undefined : Number(value)
}
