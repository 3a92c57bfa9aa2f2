// The session keyring: the keys that seal session tokens and authorization messages. The newest
// key not yet retired seals; every key still in the store opens, so rotation never strands a
// token. Keys live in the store, so every replica sharing it verifies without a round trip.
import { hkdfSync, randomBytes } from 'node:crypto'
import type { Clock } from '../core/clock.js'
import type { SessionKeyRecord, Store } from '../store/ports.js'

/** What one stored key is used for: each purpose gets its own derived 256-bit key. */
export type KeyPurpose = 'session-token' | 'authorization-message'

export interface KeyringKey {
  readonly keyId: string
  /** The key for a purpose, derived with HKDF-SHA256 so no two purposes share key material. */
  derived(purpose: KeyPurpose): Buffer
}

class DerivedKey implements KeyringKey {
  private readonly cache = new Map<KeyPurpose, Buffer>()

  constructor(
    readonly keyId: string,
    private readonly secret: Buffer,
  ) {}

  derived(purpose: KeyPurpose): Buffer {
    let key = this.cache.get(purpose)
    if (key === undefined) {
      key = Buffer.from(hkdfSync('sha256', this.secret, '', `rolegate ${purpose} v1`, 32))
      this.cache.set(purpose, key)
    }
    return key
  }
}

interface Loaded {
  generation: number
  /** The newest key not retired; undefined when every key is retired or none exists. */
  sealing: KeyringKey | undefined
  byId: Map<string, KeyringKey>
}

/** A fresh key record: 32 random bytes, with an id that sorts by creation time. */
export function newSessionKey(now: Date): SessionKeyRecord {
  const stamp = now.getTime().toString(36).padStart(9, '0')
  return {
    keyId: `sk-${stamp}-${randomBytes(4).toString('hex')}`,
    secret: randomBytes(32).toString('base64'),
    createDate: now,
    retireDate: null,
  }
}

/** Adds a key that seals from now on (`rolegate keys rotate`); older keys keep opening. */
export async function rotateSessionKey(store: Store, now: Date): Promise<SessionKeyRecord> {
  const key = newSessionKey(now)
  await store.transaction((repo) => repo.sessionKeys.insert(key))
  return key
}

/**
 * Stops a key sealing; tokens it sealed still open until the key is deleted. Answers false when
 * no such key exists.
 */
export async function retireSessionKey(store: Store, keyId: string, now: Date): Promise<boolean> {
  return store.transaction(async (repo) => {
    const key = (await repo.sessionKeys.list()).find((k) => k.keyId === keyId)
    if (!key) return false
    if (key.retireDate === null) await repo.sessionKeys.update({ ...key, retireDate: now })
    return true
  })
}

export class SessionKeyring {
  private loaded: Loaded | undefined

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * The sealing key when the keys are loaded and the store has not moved since, else undefined:
   * lets the issuing path skip two awaits in the usual case. sealingKey() covers every case.
   */
  loadedSealingKey(): KeyringKey | undefined {
    const { loaded } = this
    return loaded !== undefined && loaded.generation === this.store.generation
      ? loaded.sealing
      : undefined
  }

  /** The key that seals new tokens; one is created when the store holds none that may seal. */
  async sealingKey(): Promise<KeyringKey> {
    const current = await this.load()
    if (current.sealing) return current.sealing
    await this.store.transaction(async (repo) => {
      // Another replica (or request) may have created one meanwhile.
      const keys = await repo.sessionKeys.list()
      if (!keys.some((key) => key.retireDate === null)) {
        await repo.sessionKeys.insert(newSessionKey(this.clock.now()))
      }
    })
    this.loaded = undefined
    const reloaded = await this.load()
    if (!reloaded.sealing) throw new Error('session keyring has no sealing key after creating one')
    return reloaded.sealing
  }

  /** The key a token names, or undefined when it was deleted (or never existed). */
  async openingKey(keyId: string): Promise<KeyringKey | undefined> {
    return (await this.load()).byId.get(keyId)
  }

  /** Makes sure a sealing key exists; called at bootstrap so the first request does not pay. */
  async ensureKey(): Promise<void> {
    await this.sealingKey()
  }

  /**
   * Reloads the keys if the store changed, and answers the store generation they belong to:
   * caches of opened tokens must follow it.
   */
  async refresh(): Promise<number> {
    return (await this.load()).generation
  }

  private async load(): Promise<Loaded> {
    const generation = this.store.generation
    if (this.loaded && this.loaded.generation === generation) return this.loaded
    const records = await this.store.read((repo) => repo.sessionKeys.list())
    const byId = new Map<string, KeyringKey>()
    let sealing: KeyringKey | undefined
    // Newest first, as the store lists them.
    for (const record of records) {
      const key = new DerivedKey(record.keyId, Buffer.from(record.secret, 'base64'))
      byId.set(record.keyId, key)
      if (sealing === undefined && record.retireDate === null) sealing = key
    }
    const loaded: Loaded = { generation, sealing, byId }
    // A write that landed while loading may have changed the keys: do not keep a stale answer.
    if (this.store.generation === generation) this.loaded = loaded
    return loaded
  }
}
