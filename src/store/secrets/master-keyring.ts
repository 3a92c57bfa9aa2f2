// Secrets at rest: the store seals access keys' secrets, the session keyring and issuers' private
// keys with AES-256-GCM under a master key that is never in the database. Each sealed value names
// the key that sealed it and is bound to its row (the context is the GCM associated data), so a
// value copied to another row does not open.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto'

const PREFIX = 'rgsec1'
const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16

export interface MasterKey {
  /** 16 hex digits derived from the key, safe to print and to store beside what it sealed. */
  readonly id: string
  readonly key: Buffer
}

/** What the store seals and opens secrets with. */
export interface SecretSealer {
  /** The id of the key new values are sealed with. */
  readonly sealingKeyId: string
  /** `context` names the row and column the value belongs to; opening needs the same context. */
  seal(plaintext: string, context: string): string
  open(sealed: string, context: string): string
  /** The id of the key a sealed value names, or undefined when the value is not sealed at all. */
  keyIdOf(value: string): string | undefined
}

/** A stored secret that cannot be opened: a wrong or missing master key, or a tampered value. */
export class SecretUnreadableError extends Error {
  override readonly name = 'SecretUnreadableError'
}

export const masterKeyId = (key: Buffer): string =>
  createHash('sha256').update('rolegate master key id\0').update(key).digest('hex').slice(0, 16)

export const masterKey = (key: Buffer): MasterKey => ({ id: masterKeyId(key), key })

export const generateMasterKey = (): MasterKey => masterKey(randomBytes(KEY_BYTES))

/** Base64 (standard or URL alphabet) of 32 random bytes, as `openssl rand -base64 32` prints. */
export function parseMasterKey(text: string, source: string): MasterKey {
  const trimmed = text.trim()
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : null
  if (bytes === null || bytes.length !== KEY_BYTES) {
    throw new Error(
      `${source}: a master key is 32 random bytes in base64 (openssl rand -base64 32), got ${trimmed.length} characters that are not`,
    )
  }
  return masterKey(bytes)
}

export const formatMasterKey = (key: MasterKey): string => key.key.toString('base64')

/**
 * Where the keys come from, asked again when a value names a key not yet known (another process
 * rotated the master key) and before each seal (so a rotation is followed at once).
 */
export type MasterKeySource = () => readonly MasterKey[]

/** The first key seals; every key opens what it sealed. */
export class MasterKeyring implements SecretSealer {
  #keys: readonly MasterKey[]

  constructor(
    keys: readonly MasterKey[],
    private readonly refresh?: MasterKeySource,
  ) {
    if (keys.length === 0) throw new Error('a master keyring needs at least one key')
    this.#keys = keys
  }

  get sealingKeyId(): string {
    return this.#sealingKey().id
  }

  /** Every key id, the sealing one first. */
  get keyIds(): readonly string[] {
    return this.#keys.map((key) => key.id)
  }

  seal(plaintext: string, context: string): string {
    this.#reload()
    const { id, key } = this.#sealingKey()
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', key, iv)
    cipher.setAAD(Buffer.from(context, 'utf8'))
    const body = Buffer.concat([iv, cipher.update(plaintext, 'utf8'), cipher.final()])
    return `${PREFIX}.${id}.${Buffer.concat([body, cipher.getAuthTag()]).toString('base64url')}`
  }

  open(sealed: string, context: string): string {
    const parts = sealed.split('.')
    if (parts.length !== 3 || parts[0] !== PREFIX) {
      throw new SecretUnreadableError(`the stored secret of ${context} is not sealed`)
    }
    const [, id = '', data = ''] = parts
    const key = this.#find(id)
    const bytes = Buffer.from(data, 'base64url')
    if (bytes.length < IV_BYTES + TAG_BYTES) {
      throw new SecretUnreadableError(`the stored secret of ${context} is truncated`)
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, IV_BYTES))
      decipher.setAAD(Buffer.from(context, 'utf8'))
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES))
      const plain = decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES))
      return Buffer.concat([plain, decipher.final()]).toString('utf8')
    } catch {
      throw new SecretUnreadableError(
        `the stored secret of ${context} does not open with master key ${id}: it was changed or moved`,
      )
    }
  }

  keyIdOf(value: string): string | undefined {
    const parts = value.split('.')
    return parts.length === 3 && parts[0] === PREFIX ? parts[1] : undefined
  }

  #sealingKey(): MasterKey {
    return this.#keys[0] as MasterKey
  }

  #find(id: string): MasterKey {
    const known = this.#keys.find((key) => key.id === id)
    if (known) return known
    this.#reload()
    const found = this.#keys.find((key) => key.id === id)
    if (found) return found
    throw new SecretUnreadableError(
      `a stored secret is sealed with master key ${id}, which is not among this server's master keys (${this.keyIds.join(', ')})`,
    )
  }

  #reload(): void {
    const keys = this.refresh?.()
    if (keys !== undefined && keys.length > 0 && keys !== this.#keys) this.#keys = keys
  }
}
