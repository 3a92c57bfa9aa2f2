// The state on disk or in PostgreSQL: the data directory (its owner's alone), the store opened
// with its master keys, the admin credentials file, a read-only view for `explain`, and the
// master key rotation.
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AdminKey } from '../iam/bootstrap.js'
import type { ResealCount, Store } from '../store/ports.js'
import type { DeafEpisode } from '../store/postgres/notification-watch.js'
import { generateMasterKey } from '../store/secrets/master-keyring.js'
import type { MasterKeyring } from '../store/secrets/master-keyring.js'
import { openSqliteStore } from '../store/sqlite/open-sqlite-store.js'
import { ADMIN_CREDENTIALS_FILE, formatCredentialsFile } from './config.js'
import type { RolegateConfig } from './config.js'
import { loadMasterKeys, writeKeyFile } from './master-key.js'

/** Saves a generated admin key, readable by its owner only; rewrites it only when it changed. */
export async function saveAdminCredentials(dataDir: string, key: AdminKey): Promise<string> {
  const file = join(dataDir, ADMIN_CREDENTIALS_FILE)
  const content = formatCredentialsFile(key)
  const current = await readFile(file, 'utf8').catch(() => undefined)
  if (current !== content) {
    await mkdir(dataDir, { recursive: true })
    await writeFile(file, content, { mode: 0o600 })
  }
  // writeFile's mode applies only to a new file; an older one may be wider.
  await chmod(file, 0o600)
  return file
}

export const redactUrl = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@')

/** The data directory, made or narrowed to its owner alone whatever the umask. */
export async function ensureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  await chmod(dataDir, 0o700)
}

/** The PostgreSQL URL the state lives at, or undefined for SQLite in the data directory. */
export function postgresUrl(databaseUrl: string | undefined): string | undefined {
  if (databaseUrl === undefined || databaseUrl === '') return undefined
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(`--database-url must be a postgres:// URL, got ${redactUrl(databaseUrl)}`)
  }
  return databaseUrl
}

// Loaded only when asked for: the pg driver costs start-up time SQLite users need not pay.
const postgresAdapter = () => import('../store/postgres/open-postgres-store.js')

/** Where the master keys come from for the state at `location`. */
export const masterKeysFor = (location: StateLocation, options: { readOnly?: boolean } = {}) =>
  loadMasterKeys({
    masterKey: location.masterKey,
    masterKeyFile: location.masterKeyFile,
    dataDir: location.dataDir,
    sharedDatabase: postgresUrl(location.databaseUrl) !== undefined,
    readOnly: options.readOnly === true,
  })

export async function openStore(
  config: Pick<
    RolegateConfig,
    'dataDir' | 'databaseUrl' | 'sharedStore' | 'maxStalenessMs' | 'listenerHeartbeatMs'
  >,
  secrets: MasterKeyring,
  events: { onDeafEpisode?: ((episode: DeafEpisode) => void) | undefined } = {},
): Promise<{ store: Store; database: string }> {
  const url = postgresUrl(config.databaseUrl)
  const { maxStalenessMs } = config
  if (url !== undefined) {
    const { openPostgresStore } = await postgresAdapter()
    const store = await openPostgresStore({
      connectionString: url,
      secrets,
      maxStalenessMs,
      heartbeatMs: config.listenerHeartbeatMs,
      onDeafEpisode: events.onDeafEpisode,
    })
    return { store, database: redactUrl(url) }
  }
  const file = join(config.dataDir, 'rolegate.db')
  const shared = config.sharedStore === true
  return { store: await openSqliteStore({ file, shared, secrets, maxStalenessMs }), database: file }
}

/** What `rolegate keys rotate-master` did. */
export interface MasterKeyRotation {
  /** The key that seals from now on. */
  masterKeyId: string
  /** The keys that sealed before: dropped from a key file, to be dropped from the environment. */
  retiredKeyIds: string[]
  source: string
  resealed: ResealCount
}

/**
 * Seals every stored secret with a new master key. With a key file, a new key is made, written
 * first beside the old ones, every secret sealed with it, and the old keys dropped; servers that
 * read the file follow it on their own. With ROLEGATE_MASTER_KEY, the operator puts the new key
 * first (after restarting the servers with it there), and drops the old ones once this is done.
 */
export async function rotateMasterKey(config: StateLocation): Promise<MasterKeyRotation> {
  const loaded = masterKeysFor(config)
  let keyring = loaded.keyring
  const fresh = loaded.file === undefined ? undefined : generateMasterKey()
  if (loaded.file !== undefined && fresh !== undefined) {
    writeKeyFile(loaded.file, [fresh, ...loaded.keys])
    keyring = masterKeysFor(config).keyring
  } else if (loaded.keys.length < 2) {
    throw new Error(
      `put the new master key first in ${loaded.source} (NEW,OLD; make one with: openssl rand -base64 32), start the servers with both, then rotate again`,
    )
  }
  const { store } = await openStore(config, keyring)
  try {
    const resealed: ResealCount = {
      accessKeys: 0,
      sessionKeys: 0,
      issuerKeys: 0,
      mfaSeeds: 0,
      idpSecrets: 0,
      clusterWebhookTokens: 0,
    }
    // Servers that sealed with an old key meanwhile leave more to seal: go again until none is.
    for (let pass = 0; pass < 5; pass += 1) {
      const count = await store.resealSecrets()
      resealed.accessKeys += count.accessKeys
      resealed.sessionKeys += count.sessionKeys
      resealed.issuerKeys += count.issuerKeys
      resealed.mfaSeeds += count.mfaSeeds
      resealed.idpSecrets += count.idpSecrets
      resealed.clusterWebhookTokens += count.clusterWebhookTokens
      const sealed =
        count.accessKeys +
        count.sessionKeys +
        count.issuerKeys +
        count.mfaSeeds +
        count.idpSecrets +
        count.clusterWebhookTokens
      if (pass > 0 && sealed === 0) break
    }
    if (loaded.file !== undefined && fresh !== undefined) writeKeyFile(loaded.file, [fresh])
    return {
      masterKeyId: keyring.sealingKeyId,
      retiredKeyIds: loaded.keys.map((key) => key.id).filter((id) => id !== keyring.sealingKeyId),
      source: loaded.source,
      resealed,
    }
  } finally {
    await store.close()
  }
}

/** Where the state is and the master keys that open its secrets (`explain`, `rotate-master`). */
export interface StateLocation {
  /** Holds rolegate.db when no database URL is given, and its master-key file. */
  dataDir: string
  /** `postgres://...`: the state is in PostgreSQL. */
  databaseUrl?: string | undefined
  /** ROLEGATE_MASTER_KEY. */
  masterKey?: string | undefined
  /** `--master-key-file`. */
  masterKeyFile?: string | undefined
}

/**
 * The state a server keeps, opened to read only: never created or migrated, and no lock taken
 * that would hold up a server using it at the same time.
 */
export async function openStoreToRead(location: StateLocation): Promise<Store> {
  const url = postgresUrl(location.databaseUrl)
  const secrets = masterKeysFor(location, { readOnly: true }).keyring
  if (url !== undefined) {
    const { openPostgresStore } = await postgresAdapter()
    return openPostgresStore({ connectionString: url, readOnly: true, secrets })
  }
  const file = join(location.dataDir, 'rolegate.db')
  if (!existsSync(file)) throw new Error(`no rolegate database at ${file} (see --data)`)
  return openSqliteStore({ file, readOnly: true, secrets })
}
