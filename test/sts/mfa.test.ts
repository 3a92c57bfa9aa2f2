// MFA through STS at a frozen time, with every code from Python's hmac (not the server's library):
// GetSessionToken and AssumeRole verify SerialNumber and TokenCode against the user's enabled
// device, refuse wrong, reused and foreign codes in AWS's words, and their sessions carry
// aws:MultiFactorAuthPresent and aws:MultiFactorAuthAge into later decisions; a chained role
// session does not.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { timeStep } from '../../src/mfa/index.js'
import type { SigningKey } from '../support/signed-request.js'
import { codesAt } from '../support/totp-reference.js'
import type { Harness } from './support.js'
import {
  ACCOUNT,
  IAM,
  asKey,
  assertError,
  createRole,
  createUser,
  credentialsOf,
  doc,
  stsHarness,
} from './support.js'

const UNKNOWN_DEVICE =
  'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.'
const INVALID_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code.'

const MFA_TRUE = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }

interface Device {
  serial: string
  seed: string
}

/** Creates a virtual MFA device named after `user` and enables it with the current codes. */
async function enableDevice(h: Harness, user: string): Promise<Device> {
  const created = await h.ok({
    ...IAM,
    Action: 'CreateVirtualMFADevice',
    VirtualMFADeviceName: user,
  })
  const device = {
    serial: created.text('SerialNumber') ?? '',
    seed: Buffer.from(created.text('Base32StringSeed') ?? '', 'base64').toString('ascii'),
  }
  const step = timeStep(h.clock.now())
  const [one, two] = codesAt(device.seed, [step - 1, step])
  await h.ok({
    ...IAM,
    Action: 'EnableMFADevice',
    UserName: user,
    SerialNumber: device.serial,
    AuthenticationCode1: one!,
    AuthenticationCode2: two!,
  })
  return device
}

/** The device's code for the step the harness clock is in, plus `ahead` steps. */
const codeNow = (h: Harness, device: Device, ahead = 0) =>
  codesAt(device.seed, [timeStep(h.clock.now()) + ahead])[0]!

const ok200 = async (h: Harness, params: Record<string, string>, key: SigningKey) =>
  (await h.iam(params, key)).status

describe('GetSessionToken with MFA', () => {
  let h: Harness
  let alice: Awaited<ReturnType<typeof createUser>>
  let bob: Awaited<ReturnType<typeof createUser>>
  let device: Device
  let bobDevice: Device

  before(async () => {
    h = await stsHarness()
    alice = await createUser(
      h,
      'alice',
      doc(
        { Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: MFA_TRUE },
        {
          Effect: 'Allow',
          Action: 'iam:ListRoles',
          Resource: '*',
          Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
        },
      ),
    )
    bob = await createUser(h, 'bob')
    device = await enableDevice(h, 'alice')
    bobDevice = await enableDevice(h, 'bob')
  })
  after(() => h.close())

  test('a code one step ahead signs in; the session carries MFA and its age', async () => {
    // The enabling codes used up the current step.
    const used = await h.call(
      { Action: 'GetSessionToken', SerialNumber: device.serial, TokenCode: codeNow(h, device) },
      alice.key,
    )
    assertError(used, 403, 'AccessDenied', INVALID_CODE)
    const answer = await h.call(
      { Action: 'GetSessionToken', SerialNumber: device.serial, TokenCode: codeNow(h, device, 1) },
      alice.key,
    )
    const session = asKey(credentialsOf(answer))
    // IAM answers an MFA session (it refuses a plain one), and MFA conditions hold.
    assert.equal(await ok200(h, { Action: 'ListUsers' }, session), 200)
    assert.equal(await ok200(h, { Action: 'ListRoles' }, session), 200)
    // The long-term key has no MFA: both conditions fail.
    assert.equal(await ok200(h, { Action: 'ListUsers' }, alice.key), 403)
    assert.equal(await ok200(h, { Action: 'ListRoles' }, alice.key), 403)
    // An hour later the session is still MFA, but older than the policy wants.
    h.clock.advance(3600_000)
    assert.equal(await ok200(h, { Action: 'ListUsers' }, session), 200)
    assert.equal(await ok200(h, { Action: 'ListRoles' }, session), 403)
  })

  test('a wrong, reused or foreign code is AccessDenied and issues nothing', async () => {
    const code = codeNow(h, device)
    const params = { Action: 'GetSessionToken', SerialNumber: device.serial }
    const wrong = code === '000000' ? '000001' : '000000'
    assertError(
      await h.call({ ...params, TokenCode: wrong }, alice.key),
      403,
      'AccessDenied',
      INVALID_CODE,
    )
    // A code of another step, two away, is stale.
    assertError(
      await h.call({ ...params, TokenCode: codeNow(h, device, -2) }, alice.key),
      403,
      'AccessDenied',
      INVALID_CODE,
    )
    credentialsOf(await h.call({ ...params, TokenCode: code }, alice.key))
    assertError(
      await h.call({ ...params, TokenCode: code }, alice.key),
      403,
      'AccessDenied',
      INVALID_CODE,
    )
    // Bob's device is not alice's; a serial that names nothing is no better.
    assertError(
      await h.call(
        { ...params, SerialNumber: bobDevice.serial, TokenCode: codeNow(h, bobDevice, 1) },
        alice.key,
      ),
      403,
      'AccessDenied',
      UNKNOWN_DEVICE,
    )
    assertError(
      await h.call(
        { ...params, SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/nothing`, TokenCode: code },
        alice.key,
      ),
      403,
      'AccessDenied',
      UNKNOWN_DEVICE,
    )
    // Half of the pair is no MFA either.
    assertError(await h.call(params, alice.key), 403, 'AccessDenied', INVALID_CODE)
    assertError(
      await h.call({ Action: 'GetSessionToken', TokenCode: code }, alice.key),
      403,
      'AccessDenied',
      UNKNOWN_DEVICE,
    )
    // Bob's device still takes his own code: alice's attempts used nothing of it.
    credentialsOf(
      await h.call(
        { ...params, SerialNumber: bobDevice.serial, TokenCode: codeNow(h, bobDevice, 1) },
        bob.key,
      ),
    )
  })

  test('a deactivated device signs in no more', async () => {
    await h.ok({
      ...IAM,
      Action: 'DeactivateMFADevice',
      UserName: 'bob',
      SerialNumber: bobDevice.serial,
    })
    h.clock.advance(60_000)
    assertError(
      await h.call(
        {
          Action: 'GetSessionToken',
          SerialNumber: bobDevice.serial,
          TokenCode: codeNow(h, bobDevice),
        },
        bob.key,
      ),
      403,
      'AccessDenied',
      UNKNOWN_DEVICE,
    )
  })
})

describe('AssumeRole with MFA', () => {
  let h: Harness
  let carol: Awaited<ReturnType<typeof createUser>>
  let device: Device
  let guarded: string
  let chained: string

  before(async () => {
    h = await stsHarness()
    carol = await createUser(
      h,
      'carol',
      doc({ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }),
    )
    device = await enableDevice(h, 'carol')
    const permissions = doc(
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
      { Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: MFA_TRUE },
      {
        Effect: 'Allow',
        Action: 'iam:ListRoles',
        Resource: '*',
        Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '60' } },
      },
    )
    guarded = await createRole(
      h,
      'guarded',
      doc({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: 'sts:AssumeRole',
        Condition: MFA_TRUE,
      }),
    )
    chained = await createRole(
      h,
      'chained',
      doc({
        Effect: 'Allow',
        Principal: { AWS: guarded },
        Action: 'sts:AssumeRole',
        Condition: MFA_TRUE,
      }),
    )
    for (const role of ['guarded', 'chained']) {
      await h.ok({
        ...IAM,
        Action: 'PutRolePolicy',
        RoleName: role,
        PolicyName: 'p',
        PolicyDocument: permissions,
      })
    }
  })
  after(() => h.close())

  const assume = (key: SigningKey, roleArn: string, extra: Record<string, string> = {}) =>
    h.call({ Action: 'AssumeRole', RoleArn: roleArn, RoleSessionName: 'sess', ...extra }, key)

  test('a trust policy that requires MFA refuses a plain caller and admits a code', async () => {
    assertError(
      await assume(carol.key, guarded),
      403,
      'AccessDenied',
      `User: arn:aws:iam::${ACCOUNT}:user/carol is not authorized to perform: sts:AssumeRole on resource: ${guarded}`,
    )
    const session = asKey(
      credentialsOf(
        await assume(carol.key, guarded, {
          SerialNumber: device.serial,
          TokenCode: codeNow(h, device, 1),
        }),
      ),
    )
    assert.equal(await ok200(h, { Action: 'ListUsers' }, session), 200)
    assert.equal(await ok200(h, { Action: 'ListRoles' }, session), 200)
    // Its requests carry MFA, so it may assume a role that asks for it; that chained session
    // does not carry MFA on.
    const next = asKey(credentialsOf(await assume(session, chained)))
    assert.equal(await ok200(h, { Action: 'ListUsers' }, next), 403)
    h.clock.advance(61_000)
    assert.equal(await ok200(h, { Action: 'ListUsers' }, session), 200)
    assert.equal(await ok200(h, { Action: 'ListRoles' }, session), 403)
    // The code is used up.
    h.clock.advance(-61_000)
    assertError(
      await assume(carol.key, guarded, {
        SerialNumber: device.serial,
        TokenCode: codeNow(h, device, 1),
      }),
      403,
      'AccessDenied',
      INVALID_CODE,
    )
  })

  test("a GetSessionToken session's MFA counts, and carries into the role session with its age", async () => {
    h.clock.advance(90_000)
    const plain = asKey(credentialsOf(await h.call({ Action: 'GetSessionToken' }, carol.key)))
    assert.equal((await assume(plain, guarded)).status, 403)
    const mfaSession = asKey(
      credentialsOf(
        await h.call(
          { Action: 'GetSessionToken', SerialNumber: device.serial, TokenCode: codeNow(h, device) },
          carol.key,
        ),
      ),
    )
    h.clock.advance(45_000)
    const role = asKey(credentialsOf(await assume(mfaSession, guarded)))
    assert.equal(await ok200(h, { Action: 'ListUsers' }, role), 200)
    assert.equal(await ok200(h, { Action: 'ListRoles' }, role), 200)
    // Sixty seconds after the code, not after AssumeRole, the age passes the policy's limit.
    h.clock.advance(20_000)
    assert.equal(await ok200(h, { Action: 'ListRoles' }, role), 403)
  })

  test('a role session has no device to give a code for', async () => {
    const session = asKey(
      credentialsOf(
        await assume(carol.key, guarded, {
          SerialNumber: device.serial,
          TokenCode: codeNow(h, device, 1),
        }),
      ),
    )
    assertError(
      await assume(session, chained, { SerialNumber: device.serial, TokenCode: '123456' }),
      403,
      'AccessDenied',
      UNKNOWN_DEVICE,
    )
  })
})
