// TOTP codes of virtual MFA devices: RFC 6238 with HMAC-SHA-1, six digits and 30-second steps,
// computed and compared (in constant time) by otpauth. A code is good once: only steps after the
// last one accepted count. Sign-in takes one code near the device's time; enabling and resyncing
// take two consecutive codes within a wider window, and learn how far the device's clock runs.
import { HOTP, Secret } from 'otpauth'

const ALGORITHM = 'SHA1'
const DIGITS = 6
const PERIOD_SECONDS = 30

/** AWS's seeds are 64 base32 characters: 40 random bytes. */
export const SEED_BYTES = 40

/**
 * How many steps either side of the expected one a sign-in code may be from: one, for a code
 * typed as its step ends and a clock a few seconds off (RFC 6238 section 5.2).
 */
export const SIGN_IN_WINDOW = 1

/**
 * How far, in steps, two consecutive codes given to EnableMFADevice or ResyncMFADevice may be
 * from now: five minutes either way, so a drifted device can be brought back in step.
 */
export const SYNC_WINDOW = 10

/** The base32 seed (RFC 4648, no padding) of the random bytes given. */
export function seedFromBytes(random: Uint8Array): string {
  const buffer = random.buffer.slice(random.byteOffset, random.byteOffset + random.byteLength)
  return new Secret({ buffer: buffer as ArrayBuffer }).base32
}

/** The RFC 6238 time step `now` falls in. */
export const timeStep = (now: Date): number => Math.floor(now.getTime() / 1000 / PERIOD_SECONDS)

/** What verification has learned of a device: the last step used and its clock's offset. */
export interface DeviceClock {
  lastStep: number | null
  stepOffset: number
}

/** A code accepted: its time step, and the device's clock offset from ours, in steps. */
export interface AcceptedCode {
  step: number
  stepOffset: number
}

function matches(secret: Secret, code: string, step: number): boolean {
  return (
    HOTP.validate({
      token: code,
      secret,
      algorithm: ALGORITHM,
      digits: DIGITS,
      counter: step,
      window: 0,
    }) === 0
  )
}

const unused = (step: number, lastStep: number | null) => lastStep === null || step > lastStep

/** Steps from `center` outwards to `window` either side: nearest first. */
function* around(center: number, window: number): Generator<number> {
  yield center
  for (let distance = 1; distance <= window; distance += 1) {
    yield center - distance
    yield center + distance
  }
}

/**
 * A sign-in code (GetSessionToken, AssumeRole): it must be the device's code for a step within
 * SIGN_IN_WINDOW of the device's time, and that step not used yet.
 */
export function acceptSignInCode(
  seed: string,
  code: string,
  now: Date,
  clock: DeviceClock,
): AcceptedCode | undefined {
  const secret = Secret.fromBase32(seed)
  for (const step of around(timeStep(now) + clock.stepOffset, SIGN_IN_WINDOW)) {
    if (unused(step, clock.lastStep) && matches(secret, code, step)) {
      return { step, stepOffset: clock.stepOffset }
    }
  }
  return undefined
}

/**
 * Two consecutive codes (EnableMFADevice, ResyncMFADevice): the first for some step, the second
 * for the next, within SYNC_WINDOW of now and after the last step used. Answers the second's
 * step and the offset it shows.
 */
export function acceptConsecutiveCodes(
  seed: string,
  code1: string,
  code2: string,
  now: Date,
  lastStep: number | null,
): AcceptedCode | undefined {
  const secret = Secret.fromBase32(seed)
  const current = timeStep(now)
  for (const step of around(current, SYNC_WINDOW)) {
    if (!unused(step - 1, lastStep)) continue
    if (matches(secret, code1, step - 1) && matches(secret, code2, step)) {
      return { step, stepOffset: step - current }
    }
  }
  return undefined
}
