// Console passwords kept only as scrypt hashes (node:crypto), written as PHC strings
// `$scrypt$ln=15,r=8,p=3$SALT$KEY` (unpadded base64) so that a later cost still reads older ones,
// and compared in constant time.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import type { BinaryLike, ScryptOptions } from 'node:crypto'

interface ScryptCost {
  /** log2 of scrypt's N. */
  ln: number
  r: number
  p: number
}

/**
 * OWASP's Password Storage Cheat Sheet lists N=2^15, r=8, p=3 among its equivalent minimums: it
 * costs what N=2^17, p=1 does in time, in a quarter of the memory (32 MiB a hash).
 */
export const PASSWORD_HASH_COST: ScryptCost = { ln: 15, r: 8, p: 3 }

const SALT_BYTES = 16
const KEY_BYTES = 32
// What a stored hash may ask for: above today's cost, and at most 128 MiB of memory (128·N·r),
// so a corrupt row cannot make one check take the machine's memory.
const MAX_LN = 17
const MAX_R = 8
const MAX_P = 16

interface ParsedHash {
  cost: ScryptCost
  salt: Buffer
  key: Buffer
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/

function parseHash(text: string): ParsedHash | undefined {
  const match = PHC.exec(text)
  if (!match) return undefined
  const cost = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) }
  if (cost.ln < 1 || cost.ln > MAX_LN || cost.r < 1 || cost.r > MAX_R) return undefined
  if (cost.p < 1 || cost.p > MAX_P) return undefined
  const salt = Buffer.from(match[4]!, 'base64')
  const key = Buffer.from(match[5]!, 'base64')
  if (salt.length === 0 || key.length === 0) return undefined
  return { cost, salt, key }
}

const unpadded = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '')

const formatHash = ({ cost, salt, key }: ParsedHash) =>
  `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${unpadded(salt)}$${unpadded(key)}`

function derive(password: string, salt: Buffer, cost: ScryptCost, length: number) {
  const options: ScryptOptions = {
    N: 2 ** cost.ln,
    r: cost.r,
    p: cost.p,
    // scrypt needs 128·N·r bytes; Node refuses anything over 32 MiB unless told.
    maxmem: 256 * 2 ** cost.ln * cost.r,
  }
  return new Promise<Buffer>((resolve, reject) => {
    const input: BinaryLike = Buffer.from(password, 'utf8')
    scrypt(input, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)))
  })
}

const sameCost = (a: ScryptCost, b: ScryptCost) => a.ln === b.ln && a.r === b.r && a.p === b.p

/**
 * One password as a request brings it, checked against and hashed under stored hashes. Each
 * (cost, salt) pair is derived once, so a password compared with a history that shares one salt
 * costs one scrypt, however long the history.
 */
export class PasswordCandidate {
  readonly #derived = new Map<string, Promise<Buffer>>()

  constructor(private readonly password: string) {}

  #derive(salt: Buffer, cost: ScryptCost, length: number): Promise<Buffer> {
    const id = `${cost.ln},${cost.r},${cost.p},${length}:${salt.toString('base64')}`
    let key = this.#derived.get(id)
    if (!key) {
      key = derive(this.password, salt, cost, length)
      this.#derived.set(id, key)
    }
    return key
  }

  /** True when the password is the one `stored` hashes; an unreadable hash matches nothing. */
  async matches(stored: string): Promise<boolean> {
    const parsed = parseHash(stored)
    if (!parsed) return false
    const key = await this.#derive(parsed.salt, parsed.cost, parsed.key.length)
    return timingSafeEqual(key, parsed.key)
  }

  /** True when the password is any of `stored`. Every hash is compared, found or not. */
  async matchesAny(stored: readonly string[]): Promise<boolean> {
    let found = false
    for (const hash of stored) if (await this.matches(hash)) found = true
    return found
  }

  /** A hash under a fresh random salt at today's cost: what a password is stored as. */
  hash(): Promise<string> {
    return this.#hashWith(randomBytes(SALT_BYTES))
  }

  /**
   * A hash under the salt of `like` when it is at today's cost, else under a fresh salt: the
   * entries of one user's password history share a salt, so that reuse is checked with one scrypt.
   */
  hashLike(like: string | undefined): Promise<string> {
    const parsed = like === undefined ? undefined : parseHash(like)
    if (!parsed || !sameCost(parsed.cost, PASSWORD_HASH_COST)) return this.hash()
    return this.#hashWith(parsed.salt)
  }

  async #hashWith(salt: Buffer): Promise<string> {
    const key = await this.#derive(salt, PASSWORD_HASH_COST, KEY_BYTES)
    return formatHash({ cost: PASSWORD_HASH_COST, salt, key })
  }
}
