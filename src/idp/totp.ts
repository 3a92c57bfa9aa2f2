// The IdP's second factor: RFC 6238 TOTP (SHA-1, six digits, 30 s, as authenticator apps expect)
// through otpauth, with the virtual MFA devices' verification (mfa/): a code counts for its step
// and one either side, and only once.
import { TOTP } from 'otpauth'
import { acceptSignInCode, seedFromBytes } from '../mfa/index.js'

/** 160 bits: RFC 4226's recommended shared-secret length. */
const SEED_BYTES = 20

export const newTotpSeed = (random: (size: number) => Uint8Array): string =>
  seedFromBytes(random(SEED_BYTES))

/** The otpauth:// URI an authenticator app enrols from. */
export function totpKeyUri(issuer: string, userName: string, seed: string): string {
  return new TOTP({ issuer, label: userName, secret: seed }).toString()
}

/** The time step a fresh, correct code was for; undefined for a wrong or used one. */
export function acceptTotpCode(
  seed: string,
  code: string,
  now: Date,
  lastStep: number | null,
): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined
  return acceptSignInCode(seed, code, now, { lastStep, stepOffset: 0 })?.step
}
