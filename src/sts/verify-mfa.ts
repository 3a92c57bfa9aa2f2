// The MFA code an IAM user gives GetSessionToken or AssumeRole (SerialNumber and TokenCode),
// checked against the virtual MFA device enabled for that user and used up in the same write
// transaction: the device's last accepted step moves forward, so the code cannot sign in twice,
// not even from two requests at once. Refusals are AccessDenied in AWS's words.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
import type { Caller } from '../core/caller.js'
import { accessDenied } from '../core/errors.js'
import { acceptSignInCode } from '../mfa/index.js'
import type { Store } from '../store/ports.js'
import { MFA_INVALID_CODE, MFA_UNKNOWN_DEVICE } from './aws-messages.js'

export interface MfaCode {
  serialNumber: string | undefined
  tokenCode: string | undefined
}

/** Whether the request carries MFA parameters at all. */
export const givesMfa = (code: MfaCode): boolean =>
  code.serialNumber !== undefined || code.tokenCode !== undefined

/**
 * Verifies the code for `caller`, which must be an IAM user (long-term key or a GetSessionToken
 * session) with the device enabled; answers when MFA was authenticated: now.
 */
export async function verifyMfaCode(
  store: Store,
  caller: Caller,
  code: MfaCode,
  now: Date,
): Promise<Date> {
  const { serialNumber, tokenCode } = code
  // Only IAM users have devices here: the root user's and a role session's serial is unknown.
  if (serialNumber === undefined || caller.type !== 'user') throw accessDenied(MFA_UNKNOWN_DEVICE)
  if (tokenCode === undefined) throw accessDenied(MFA_INVALID_CODE)
  await store.transaction(async (repo) => {
    const device = await repo.mfaDevices.get(serialNumber)
    if (!device || device.userId !== caller.principalId) throw accessDenied(MFA_UNKNOWN_DEVICE)
    const accepted = acceptSignInCode(device.seed, tokenCode, now, device)
    if (!accepted) throw accessDenied(MFA_INVALID_CODE)
    await repo.mfaDevices.update({ ...device, lastStep: accepted.step })
  })
  return now
}
