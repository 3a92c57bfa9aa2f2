// Where the master key that seals stored secrets comes from: ROLEGATE_MASTER_KEY (one key or
// several, comma-separated, the first sealing), a key file the operator names, or, for SQLite only,
// DATA/master-key made on first start. The key never enters the database; with PostgreSQL, whose
// replicas share one database, it must be given.
import { randomBytes } from 'node:crypto'
import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  formatMasterKey,
  generateMasterKey,
  MasterKeyring,
  parseMasterKey,
} from '../store/secrets/master-keyring.js'
import type { MasterKey } from '../store/secrets/master-keyring.js'

export const MASTER_KEY_FILE = 'master-key'
export const MASTER_KEY_ENV = 'ROLEGATE_MASTER_KEY'

export interface MasterKeyOptions {
  /** ROLEGATE_MASTER_KEY's value. */
  masterKey?: string | undefined
  /** `--master-key-file`. */
  masterKeyFile?: string | undefined
  /** The data directory, where SQLite's own key file lives. */
  dataDir: string
  /** True with `--database-url`: no key file is made on the operator's behalf. */
  sharedDatabase: boolean
  /**
   * Opening to read only (`explain`): no key file is made either; without one, a throwaway key
   * stands in, which opens nothing sealed (the store then says whose key it needs).
   */
  readOnly?: boolean
}

/** The keys in force and where they come from. */
export interface LoadedMasterKeys {
  keyring: MasterKeyring
  /** The keys as loaded, the sealing one first. */
  keys: readonly MasterKey[]
  /** `ROLEGATE_MASTER_KEY`, or the key file's path. */
  source: string
  /** The key file, when the keys come from one (a rotation rewrites it). */
  file: string | undefined
  /** True when this start made the key file. */
  created: boolean
}

/** A key file: one base64 key a line, the sealing key first; `#` starts a comment. */
export function parseKeyFile(text: string, file: string): MasterKey[] {
  const keys = text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '')
    .map((line) => parseMasterKey(line, file))
  if (keys.length === 0) throw new Error(`${file}: holds no master key`)
  return keys
}

function readKeyFile(file: string): MasterKey[] {
  const mode = statSync(file).mode & 0o777
  if ((mode & 0o077) !== 0) {
    throw new Error(
      `${file}: the master key file is readable by others (mode ${mode.toString(8)}); chmod 600 it`,
    )
  }
  return parseKeyFile(readFileSync(file, 'utf8'), file)
}

/** Writes the key file whole, then moves it into place: a crash leaves the old or the new one. */
export function writeKeyFile(file: string, keys: readonly MasterKey[]): void {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`
  const text =
    '# rolegate master keys: the first seals, every one opens; never store beside backups of the database\n' +
    keys.map((key) => `${formatMasterKey(key)}\n`).join('')
  writeFileSync(temporary, text, { mode: 0o600, flag: 'wx' })
  chmodSync(temporary, 0o600)
  renameSync(temporary, file)
}

/** Re-reads the file when it changed (a rotation by another process); otherwise answers `keys`. */
function followFile(file: string, initial: readonly MasterKey[]): () => readonly MasterKey[] {
  let keys = initial
  let seen = fingerprint(file)
  return () => {
    const now = fingerprint(file)
    if (now !== seen) {
      seen = now
      keys = readKeyFile(file)
    }
    return keys
  }
}

function fingerprint(file: string): string {
  const stat = statSync(file, { bigint: true })
  return `${stat.ino}:${stat.mtimeNs}:${stat.size}`
}

export function loadMasterKeys(options: MasterKeyOptions): LoadedMasterKeys {
  const fromEnvironment = options.masterKey?.trim() ?? ''
  if (fromEnvironment !== '') {
    const keys = fromEnvironment.split(',').map((text) => parseMasterKey(text, MASTER_KEY_ENV))
    return {
      keyring: new MasterKeyring(keys),
      keys,
      source: MASTER_KEY_ENV,
      file: undefined,
      created: false,
    }
  }
  if (options.masterKeyFile !== undefined && options.masterKeyFile !== '') {
    return fromFile(options.masterKeyFile, false)
  }
  if (options.sharedDatabase) {
    throw new Error(
      `with --database-url, give the master key that seals stored secrets in ${MASTER_KEY_ENV} or --master-key-file: every replica needs the same one, and it must not live in the database`,
    )
  }
  const file = join(options.dataDir, MASTER_KEY_FILE)
  let created = false
  try {
    statSync(file)
  } catch {
    if (options.readOnly === true) {
      const keys = [generateMasterKey()]
      return { keyring: new MasterKeyring(keys), keys, source: file, file: undefined, created }
    }
    writeKeyFile(file, [generateMasterKey()])
    created = true
  }
  return fromFile(file, created)
}

function fromFile(file: string, created: boolean): LoadedMasterKeys {
  const keys = readKeyFile(file)
  const keyring = new MasterKeyring(keys, followFile(file, keys))
  return { keyring, keys, source: file, file, created }
}
