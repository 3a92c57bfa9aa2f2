// Checking a password at sign-in so that a failure costs the same whether or not the user exists:
// an unknown name is checked against a stand-in hash made at today's cost, so scrypt runs once
// either way, and the answer does not say which part was wrong.
import { randomBytes } from 'node:crypto'
import { PasswordCandidate } from '../core/password-hash.js'
import type { IdpUserRecord } from '../store/idp-records.js'

/** The password hashing a sign-in runs; scrypt unless a test counts the runs. */
export interface PasswordHasher {
  /** A hash of `password` at today's cost, under a fresh salt. */
  hash(password: string): Promise<string>
  /** Whether `password` is the one `hash` hashes. */
  matches(password: string, hash: string): Promise<boolean>
}

export const scryptHasher: PasswordHasher = {
  hash: (password) => new PasswordCandidate(password).hash(),
  matches: (password, hash) => new PasswordCandidate(password).matches(hash),
}

export class PasswordCheck {
  private standIn: Promise<string> | undefined

  constructor(private readonly hasher: PasswordHasher = scryptHasher) {}

  /** A hash of a random password no one knows, made once: what unknown names are checked with. */
  private standInHash(): Promise<string> {
    this.standIn ??= this.hasher.hash(randomBytes(32).toString('base64'))
    return this.standIn
  }

  /** The user when the password is theirs; undefined otherwise, after the same work. */
  async verify(
    user: IdpUserRecord | undefined,
    password: string,
  ): Promise<IdpUserRecord | undefined> {
    const hash = user?.passwordHash ?? (await this.standInHash())
    const matches = await this.hasher.matches(password, hash)
    return matches && user !== undefined ? user : undefined
  }

  /** Makes the stand-in now, so the first unknown name is not told apart by its cost. */
  async warm(): Promise<void> {
    await this.standInHash()
  }
}
