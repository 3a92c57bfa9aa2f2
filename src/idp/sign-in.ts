// Checking a password at sign-in so that a failure takes the same time whether or not the user
// exists: an unknown name is checked against a stand-in hash made at today's cost, so scrypt runs
// once either way, and the answer does not say which part was wrong.
import { randomBytes } from 'node:crypto'
import { PasswordCandidate } from '../core/password-hash.js'
import type { IdpUserRecord } from '../store/idp-records.js'

export class PasswordCheck {
  private standIn: Promise<string> | undefined

  /** A hash of a random password no one knows, made once: what unknown names are checked with. */
  private standInHash(): Promise<string> {
    this.standIn ??= new PasswordCandidate(randomBytes(32).toString('base64')).hash()
    return this.standIn
  }

  /** The user when the password is theirs; undefined otherwise, after the same work. */
  async verify(
    user: IdpUserRecord | undefined,
    password: string,
  ): Promise<IdpUserRecord | undefined> {
    const candidate = new PasswordCandidate(password)
    const hash = user?.passwordHash ?? (await this.standInHash())
    const matches = await candidate.matches(hash)
    return matches && user !== undefined ? user : undefined
  }

  /** Makes the stand-in now, so the first unknown name is not told apart by its cost. */
  async warm(): Promise<void> {
    await this.standInHash()
  }
}
