// The Store over any Kysely backend: each transaction holds one connection from begin to commit,
// retries where the backend reports a serialisation failure, and bumps the generation on writes.
// Recorded use (last used dates) is written beside it and moves no generation. Writes committed by
// other processes on the same database move it too, once noticed (OtherWriters), and so does the
// passing of the maximum staleness, so no cache serves data older than that, whatever is noticed.

import { AsyncLocalStorage } from 'node:async_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import type { Kysely } from 'kysely'
import { DEFAULT_MAX_STALENESS_MS } from '../ports.js'
import type { Freshness, ResealCount, Store, UsageBatch } from '../ports.js'
import type { Repositories } from '../repositories.js'
import type { Backend } from './backend.js'
import { KyselyAccessKeyRepository } from './access-key-repository.js'
import { KyselyAccountRepository } from './account-repository.js'
import { KyselyAttachmentRepository } from './attachment-repository.js'
import { KyselyGroupRepository } from './group-repository.js'
import { KyselyInlinePolicyRepository } from './inline-policy-repository.js'
import { KyselyIssuerRepository } from './issuer-repository.js'
import { KyselyOidcProviderRepository } from './oidc-provider-repository.js'
import { KyselyPolicyRepository } from './policy-repository.js'
import { KyselyRoleRepository } from './role-repository.js'
import { KyselySamlProviderRepository } from './saml-provider-repository.js'
import { KyselySessionKeyRepository } from './session-key-repository.js'
import { KyselyUserRepository } from './user-repository.js'
import { KyselyMfaDeviceRepository } from './mfa-device-repository.js'
import { KyselyCredentialReportRepository } from './credential-report-repository.js'
import { KyselyServiceLinkedRoleDeletionRepository } from './service-linked-role-deletion-repository.js'
import { KyselyInstanceProfileRepository } from './instance-profile-repository.js'
import { KyselyLoginProfileRepository } from './login-profile-repository.js'
import { KyselyPasswordPolicyRepository } from './password-policy-repository.js'
import { KyselyClusterRepository } from './cluster-repository.js'
import { TransactionSession } from './transaction-session.js'
import { prepareSealedSecrets, resealSecrets } from './sealed-columns.js'
import type { SealedColumns } from './sealed-columns.js'
import { toText } from './records.js'
import { tablesChildFirst } from './schema.js'
import type { Database } from './schema.js'

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

// A nested transaction would wait forever for the one SQLite connection its parent holds.
const insideTransaction = new AsyncLocalStorage<true>()

// The storage is enabled only while some transaction's work runs. Enabled, it turns on promise
// hooks for every promise in the process; with no transaction running nothing can be nested, so
// disabling it then costs no check and spares the requests served from memory (signed calls).
let workRunning = 0

function runMarked<T>(work: () => Promise<T>): Promise<T> {
  workRunning += 1
  const done = () => {
    workRunning -= 1
    if (workRunning === 0) insideTransaction.disable()
  }
  let promise: Promise<T>
  try {
    promise = insideTransaction.run(true, work)
  } catch (error) {
    done()
    throw error
  }
  return promise.finally(done)
}

/** How a backend learns that other processes committed writes to the same database. */
export interface OtherWriters {
  /**
   * True when another process committed a write since the last call, and on every call while
   * that cannot be known. Synchronous and cheap.
   */
  changed(): boolean
  /** Whether writes can be noticed now, for health checks. */
  status(): Pick<Freshness, 'notifications' | 'deafSince' | 'deafCause'>
  /**
   * Run inside a transaction that wrote, just before it commits, to tell the other processes
   * (PostgreSQL's NOTIFY); absent where they find out by themselves (SQLite's data_version).
   */
  announce?(conn: Kysely<Database>): Promise<void>
  close(): Promise<void>
}

/** Every repository of one transaction, over its session. */
export const repositoriesOf = (session: TransactionSession): Repositories => ({
  accounts: new KyselyAccountRepository(session),
  users: new KyselyUserRepository(session),
  groups: new KyselyGroupRepository(session),
  roles: new KyselyRoleRepository(session),
  accessKeys: new KyselyAccessKeyRepository(session),
  policies: new KyselyPolicyRepository(session),
  attachments: new KyselyAttachmentRepository(session),
  inlinePolicies: new KyselyInlinePolicyRepository(session),
  oidcProviders: new KyselyOidcProviderRepository(session),
  samlProviders: new KyselySamlProviderRepository(session),
  sessionKeys: new KyselySessionKeyRepository(session),
  issuers: new KyselyIssuerRepository(session),
  mfaDevices: new KyselyMfaDeviceRepository(session),
  credentialReports: new KyselyCredentialReportRepository(session),
  serviceLinkedRoleDeletions: new KyselyServiceLinkedRoleDeletionRepository(session),
  instanceProfiles: new KyselyInstanceProfileRepository(session),
  loginProfiles: new KyselyLoginProfileRepository(session),
  passwordPolicies: new KyselyPasswordPolicyRepository(session),
  clusters: new KyselyClusterRepository(session),
})

/** A database connection (or pool) and how transactions on it begin. */
export interface Connection {
  db: Kysely<Database>
  backend: Backend
}

export interface KyselyStoreOptions {
  /** Where write transactions run. */
  writer: Connection
  /**
   * Where read transactions run: a connection of their own (a SQLite file's second, read-only
   * connection, so reads go on while a write is open), or the writer's, beginning as a read.
   */
  reader: Connection
  sealed: SealedColumns
  others?: OtherWriters | undefined
  /** The longest a cache may serve what it read, in milliseconds; DEFAULT_MAX_STALENESS_MS. */
  maxStalenessMs?: number | undefined
  /** A monotonic clock in milliseconds (performance.now), for freshness only; tests pass theirs. */
  now?: (() => number) | undefined
}

export class KyselyStore implements Store {
  #generation = 0
  /** When the generation last moved: no cache holds data read before then. */
  #generationStartedAt: number
  /** When the generation must move again, the data read since it moved being that old by then. */
  #freshUntil: number
  readonly #maxStalenessMs: number
  readonly #now: () => number
  #closed = false
  readonly #running = new Set<Promise<unknown>>()
  private readonly writer: Connection
  private readonly reader: Connection
  private readonly sealed: SealedColumns
  private readonly others: OtherWriters | undefined

  constructor(options: KyselyStoreOptions) {
    this.writer = options.writer
    this.reader = options.reader
    this.sealed = options.sealed
    this.others = options.others
    this.#maxStalenessMs = options.maxStalenessMs ?? DEFAULT_MAX_STALENESS_MS
    this.#now = options.now ?? (() => performance.now())
    this.#generationStartedAt = this.#now()
    this.#freshUntil = this.#generationStartedAt + this.#maxStalenessMs
  }

  /**
   * Checks the master key against the database, and seals what an earlier release left in
   * plaintext; called once by the open functions, before the store is handed out.
   */
  async prepare(options: { readOnly: boolean }): Promise<void> {
    await this.#withRetries(options.readOnly ? this.reader : this.writer, async (conn) => {
      const wrote = await prepareSealedSecrets(conn, this.sealed, options)
      if (wrote) await this.others?.announce?.(conn)
      return undefined
    })
  }

  get generation(): number {
    return this.#generation
  }

  noticeOtherWriters(): void {
    // A closed store has nothing to notice; the next transaction reports that it is closed.
    if (this.#closed) return
    const changed = this.others?.changed() === true
    const now = this.#now()
    if (changed || now >= this.#freshUntil) this.#advance(now)
  }

  freshness(): Freshness {
    return {
      notifications: 'none',
      ...this.others?.status(),
      cacheAgeMs: Math.max(0, Math.round(this.#now() - this.#generationStartedAt)),
      maxStalenessMs: this.#maxStalenessMs,
    }
  }

  /** Moves the generation: every cache drops what it holds and reads again from now. */
  #advance(now = this.#now()): void {
    this.#generation += 1
    this.#generationStartedAt = now
    this.#freshUntil = now + this.#maxStalenessMs
  }

  /**
   * On PostgreSQL `work` may run more than once (serialisable isolation retries a transaction
   * that lost a race), so it must do nothing outside the repository it is given.
   */
  transaction<T>(work: (repo: Repositories) => Promise<T>): Promise<T> {
    return this.#track(async () => {
      const { value, wrote } = await this.#withRetries(this.writer, async (conn) => {
        const session = new TransactionSession(conn, this.writer.backend, this.sealed)
        const repo = repositoriesOf(session)
        let value: T
        try {
          value = await runMarked(() => work(repo))
        } finally {
          await session.end()
        }
        if (session.wrote) await this.others?.announce?.(conn)
        return { value, wrote: session.wrote }
      })
      if (wrote) this.#advance()
      return value
    })
  }

  /**
   * Runs `work` in a read-only transaction: one consistent snapshot, no write lock taken, so it
   * neither waits for nor holds up the writes of others. A write inside it is refused.
   */
  read<T>(work: (repo: Repositories) => Promise<T>): Promise<T> {
    return this.#track(() =>
      this.#withRetries(this.reader, async (conn) => {
        const session = new TransactionSession(conn, this.reader.backend, this.sealed, {
          readOnly: true,
        })
        try {
          return await runMarked(() => work(repositoriesOf(session)))
        } finally {
          await session.end()
        }
      }),
    )
  }

  recordUse(uses: UsageBatch): Promise<void> {
    // Rows are updated in id order, so two replicas flushing at once cannot deadlock each other.
    const keys = [...uses.accessKeys].sort((a, b) => compare(a.accessKeyId, b.accessKeyId))
    const roles = [...uses.roles].sort((a, b) => compare(a.roleId, b.roleId))
    return this.#track(async () => {
      if (keys.length === 0 && roles.length === 0) return
      await this.#withRetries(this.writer, async (conn) => {
        for (const use of keys) {
          const date = toText(use.date)
          await conn
            .updateTable('access_keys')
            .set({
              last_used_date: date,
              last_used_service: use.serviceName,
              last_used_region: use.region,
            })
            .where('access_key_id', '=', use.accessKeyId)
            // ISO text of one fixed width sorts as the dates do.
            .where((eb) =>
              eb.or([eb('last_used_date', 'is', null), eb('last_used_date', '<', date)]),
            )
            .execute()
        }
        for (const use of roles) {
          const date = toText(use.date)
          await conn
            .updateTable('roles')
            .set({ last_used_date: date, last_used_region: use.region })
            .where('role_id', '=', use.roleId)
            .where((eb) =>
              eb.or([eb('last_used_date', 'is', null), eb('last_used_date', '<', date)]),
            )
            .execute()
        }
      })
    })
  }

  resealSecrets(): Promise<ResealCount> {
    return this.#track(async () => {
      const count = await this.#withRetries(this.writer, async (conn) => {
        const resealed = await resealSecrets(conn, this.sealed, 'refuse')
        await this.others?.announce?.(conn)
        return resealed
      })
      this.#advance()
      return count
    })
  }

  wipe(): Promise<void> {
    return this.#track(async () => {
      await this.#withRetries(this.writer, async (conn) => {
        for (const table of tablesChildFirst) await conn.deleteFrom(table).execute()
        await this.others?.announce?.(conn)
        return { value: undefined, wrote: true }
      })
      this.#advance()
    })
  }

  /** Waits for running transactions, then releases the database. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await Promise.allSettled([...this.#running])
    await this.others?.close()
    await this.writer.db.destroy()
    if (this.reader.db !== this.writer.db) await this.reader.db.destroy()
  }

  #track<T>(run: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error('store: closed'))
    if (insideTransaction.getStore() === true) {
      return Promise.reject(
        new Error('store: transaction() cannot be nested; use the repository already given'),
      )
    }
    const promise = run()
    this.#running.add(promise)
    const forget = () => this.#running.delete(promise)
    promise.then(forget, forget)
    return promise
  }

  async #withRetries<T>(
    connection: Connection,
    body: (conn: Kysely<Database>) => Promise<T>,
  ): Promise<T> {
    const { backend } = connection
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.#once(connection, body)
      } catch (error) {
        if (attempt >= backend.maxAttempts || backend.classify(error) !== 'retry') {
          throw error
        }
        // Jittered backoff, so transactions that collided do not collide again in step.
        await sleep(Math.random() * Math.min(100, 2 ** attempt))
      }
    }
  }

  #once<T>(connection: Connection, body: (conn: Kysely<Database>) => Promise<T>): Promise<T> {
    return connection.db.connection().execute(async (conn) => {
      await sql.raw(connection.backend.begin).execute(conn)
      try {
        const result = await body(conn)
        await sql`commit`.execute(conn)
        return result
      } catch (error) {
        try {
          await sql`rollback`.execute(conn)
        } catch {
          // Nothing left to roll back (a failed commit ends the transaction) or the connection
          // is broken; the original error says why.
        }
        throw error
      }
    })
  }
}
