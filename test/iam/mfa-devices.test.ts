// Virtual MFA devices through the IAM operations at a fixed time: the seed and QR code handed out
// once, enabling with two consecutive codes (computed by Python's hmac, not the server's library),
// resync, deactivate, delete, the lists and tags, and every refusal in AWS's words with nothing
// written.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Params } from '../../src/core/input.js'
import type { ResultObject } from '../../src/core/result.js'
import { timeStep } from '../../src/mfa/index.js'
import type { IamHarness } from '../support/iam.js'
import { ACCOUNT, rootCaller, tagPairs } from '../support/iam.js'
import { decodeQrPng } from '../support/qr-decode.js'
import { codesAt } from '../support/totp-reference.js'
import {
  NOW,
  expectAwsError,
  list,
  member,
  presentKeys,
  roleCaller,
  userCaller,
  withHarness,
} from './entity-helpers.js'

const STEP = timeStep(NOW)
const arnOf = (name: string, path = '/') => `arn:aws:iam::${ACCOUNT}:mfa${path}${name}`

interface Created {
  serial: string
  seed: string
  png: Buffer
  element: ResultObject
}

async function createDevice(h: IamHarness, name: string, extra: Params = {}): Promise<Created> {
  const element = member(
    await h.call('CreateVirtualMFADevice', { VirtualMFADeviceName: name, ...extra }),
    'VirtualMFADevice',
  )
  return {
    serial: String(element['SerialNumber']),
    seed: Buffer.from(String(element['Base32StringSeed']), 'base64').toString('ascii'),
    png: Buffer.from(String(element['QRCodePNG']), 'base64'),
    element,
  }
}

/** Two consecutive codes ending at `step` (the current one unless given). */
const pairAt = (seed: string, step = STEP) => {
  const [one, two] = codesAt(seed, [step - 1, step])
  return { AuthenticationCode1: one!, AuthenticationCode2: two! }
}

async function enable(h: IamHarness, user: string, device: Created, step = STEP) {
  await h.call('EnableMFADevice', {
    UserName: user,
    SerialNumber: device.serial,
    ...pairAt(device.seed, step),
  })
}

const stored = (h: IamHarness, serial: string) => h.store.read((r) => r.mfaDevices.get(serial))

const invalidCode = {
  code: 'InvalidAuthenticationCode',
  message: 'Authentication code for device is not valid.',
  status: 403,
}
const noSuchDevice = (serial: string) => ({
  code: 'NoSuchEntity',
  message: `VirtualMFADevice with serial number ${serial} does not exist.`,
  status: 404,
})
const invalidForUser = {
  code: 'NoSuchEntity',
  message: 'MFA Device invalid for user.',
  status: 404,
}

describe('CreateVirtualMFADevice', () => {
  test('answers the serial number, the seed and a QR code of its key URI, once', async () => {
    await withHarness(async (h) => {
      const device = await createDevice(h, 'alice', { Path: '/people/' })
      assert.deepEqual(presentKeys(device.element), [
        'SerialNumber',
        'Base32StringSeed',
        'QRCodePNG',
      ])
      assert.equal(device.serial, arnOf('alice', '/people/'))
      assert.match(device.seed, /^[A-Z2-7]{64}$/)
      // The label is the device's name (not its path) at the account, the account's id here.
      assert.equal(
        decodeQrPng(device.png),
        `otpauth://totp/Amazon%20Web%20Services:alice@${ACCOUNT}?secret=${device.seed}&issuer=Amazon%20Web%20Services`,
      )
      // The seed is stored to check codes with, and never answered again.
      assert.equal((await stored(h, device.serial))?.seed, device.seed)
      const listed = list(await h.call('ListVirtualMFADevices'), 'VirtualMFADevices')
      assert.deepEqual(listed, [
        { SerialNumber: device.serial, User: undefined, EnableDate: undefined },
      ])
    })
  })

  test("names the account's alias in the key URI when it has one, and keeps tags", async () => {
    await withHarness(async (h) => {
      await h.call('CreateAccountAlias', { AccountAlias: 'example-corp' })
      const device = await createDevice(h, 'bob', tagPairs([['team', 'blue']]))
      assert.equal(
        decodeQrPng(device.png),
        `otpauth://totp/Amazon%20Web%20Services:bob@example-corp?secret=${device.seed}&issuer=Amazon%20Web%20Services`,
      )
      assert.deepEqual(device.element['Tags'], [{ Key: 'team', Value: 'blue' }])
      const seeds = new Set([device.seed, (await createDevice(h, 'carol')).seed])
      assert.equal(seeds.size, 2)
    })
  })

  test('refuses a path and name taken in any case, a bad name and reserved tags; writes nothing', async () => {
    await withHarness(async (h) => {
      await createDevice(h, 'alice')
      await expectAwsError(h.call('CreateVirtualMFADevice', { VirtualMFADeviceName: 'ALICE' }), {
        code: 'EntityAlreadyExists',
        message: 'MFADevice entity at the same path and name already exists.',
        status: 409,
      })
      await expectAwsError(h.call('CreateVirtualMFADevice', { VirtualMFADeviceName: 'a b' }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'virtualMFADeviceName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        status: 400,
      })
      await expectAwsError(
        h.call('CreateVirtualMFADevice', {
          VirtualMFADeviceName: 'dave',
          ...tagPairs([['aws:x', 'y']]),
        }),
        {
          code: 'InvalidInput',
          message: "Tag keys starting with 'aws:' are reserved for internal use.",
          status: 400,
        },
      )
      // Another path makes another device.
      await createDevice(h, 'alice', { Path: '/other/' })
      const names = list(await h.call('ListVirtualMFADevices'), 'VirtualMFADevices').map(
        (d) => d['SerialNumber'],
      )
      assert.deepEqual(names, [arnOf('alice'), arnOf('alice', '/other/')])
    })
  })
})

describe('EnableMFADevice', () => {
  test('assigns the device with two consecutive current codes', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      const device = await createDevice(h, 'alice')
      await enable(h, 'ALICE', device)
      const record = await stored(h, device.serial)
      assert.equal(record?.lastStep, STEP)
      assert.equal(record?.stepOffset, 0)
      assert.deepEqual(list(await h.call('ListMFADevices', { UserName: 'alice' }), 'MFADevices'), [
        { UserName: 'alice', SerialNumber: device.serial, EnableDate: NOW },
      ])
    })
  })

  test('refuses codes that are wrong, reversed or the same twice; writes nothing', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      const device = await createDevice(h, 'alice')
      const { AuthenticationCode1: one, AuthenticationCode2: two } = pairAt(device.seed)
      const attempts: [string, string][] = [
        [two, one],
        [two, two],
        [one, one === '000000' ? '000001' : '000000'],
      ]
      for (const [first, second] of attempts) {
        await expectAwsError(
          h.call('EnableMFADevice', {
            UserName: 'alice',
            SerialNumber: device.serial,
            AuthenticationCode1: first,
            AuthenticationCode2: second,
          }),
          invalidCode,
        )
      }
      assert.equal((await stored(h, device.serial))?.userId, null)
      assert.equal((await stored(h, device.serial))?.lastStep, null)
    })
  })

  test('refuses a device in use, a missing device or user, and a ninth device', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      await h.call('CreateUser', { UserName: 'bob' })
      const devices: Created[] = []
      for (let i = 1; i <= 9; i += 1) devices.push(await createDevice(h, `d${i}`))
      await enable(h, 'alice', devices[0]!)
      await expectAwsError(
        h.call('EnableMFADevice', {
          UserName: 'bob',
          SerialNumber: devices[0]!.serial,
          ...pairAt(devices[0]!.seed, STEP + 2),
        }),
        { code: 'EntityAlreadyExists', message: 'MFA Device is already in use.', status: 409 },
      )
      await expectAwsError(
        h.call('EnableMFADevice', {
          UserName: 'alice',
          SerialNumber: arnOf('nothing'),
          AuthenticationCode1: '123456',
          AuthenticationCode2: '654321',
        }),
        noSuchDevice(arnOf('nothing')),
      )
      await expectAwsError(
        h.call('EnableMFADevice', {
          UserName: 'nobody',
          SerialNumber: devices[1]!.serial,
          ...pairAt(devices[1]!.seed),
        }),
        {
          code: 'NoSuchEntity',
          message: 'The user with name nobody cannot be found.',
          status: 404,
        },
      )
      for (const device of devices.slice(1, 8)) await enable(h, 'alice', device)
      await expectAwsError(
        h.call('EnableMFADevice', {
          UserName: 'alice',
          SerialNumber: devices[8]!.serial,
          ...pairAt(devices[8]!.seed),
        }),
        {
          code: 'LimitExceeded',
          message: 'Cannot exceed quota for MFADevicesPerUser: 8',
          status: 409,
        },
      )
      assert.equal((await stored(h, devices[8]!.serial))?.userId, null)
      assert.equal(
        list(await h.call('ListMFADevices', { UserName: 'alice' }), 'MFADevices').length,
        8,
      )
    })
  })

  test('checks the codes as six digits', async () => {
    await withHarness(async (h) => {
      await expectAwsError(
        h.call('EnableMFADevice', {
          UserName: 'alice',
          SerialNumber: arnOf('alice'),
          AuthenticationCode1: '12345',
          AuthenticationCode2: '12345a',
        }),
        {
          code: 'ValidationError',
          message:
            "2 validation errors detected: Value at 'authenticationCode1' failed to satisfy constraint: Member must have length greater than or equal to 6; Value at 'authenticationCode2' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]+",
          status: 400,
        },
      )
    })
  })
})

describe('ResyncMFADevice', () => {
  test('learns how far the device runs from two consecutive codes', async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      const device = await createDevice(h, 'alice')
      await enable(h, 'alice', device)
      await h.call('ResyncMFADevice', {
        UserName: 'alice',
        SerialNumber: device.serial,
        ...pairAt(device.seed, STEP + 7),
      })
      const record = await stored(h, device.serial)
      assert.deepEqual([record?.lastStep, record?.stepOffset], [STEP + 7, 7])
      // The same codes again are used up.
      await expectAwsError(
        h.call('ResyncMFADevice', {
          UserName: 'alice',
          SerialNumber: device.serial,
          ...pairAt(device.seed, STEP + 7),
        }),
        invalidCode,
      )
    })
  })

  test("refuses another user's device and bad codes, writing nothing", async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      await h.call('CreateUser', { UserName: 'bob' })
      const device = await createDevice(h, 'alice')
      await enable(h, 'alice', device)
      await expectAwsError(
        h.call('ResyncMFADevice', {
          UserName: 'bob',
          SerialNumber: device.serial,
          ...pairAt(device.seed, STEP + 1),
        }),
        invalidForUser,
      )
      await expectAwsError(
        h.call('ResyncMFADevice', {
          UserName: 'alice',
          SerialNumber: device.serial,
          ...pairAt(device.seed, STEP + 12),
        }),
        invalidCode,
      )
      assert.equal((await stored(h, device.serial))?.lastStep, STEP)
    })
  })
})

describe('DeactivateMFADevice and DeleteVirtualMFADevice', () => {
  test('a device in use cannot be deleted, nor its user; deactivated, both can', async () => {
    await withHarness(async (h) => {
      const user = member(await h.call('CreateUser', { UserName: 'alice' }), 'User')
      const device = await createDevice(h, 'alice')
      await enable(h, 'alice', device)
      await expectAwsError(h.call('DeleteVirtualMFADevice', { SerialNumber: device.serial }), {
        code: 'DeleteConflict',
        message: 'MFA VirtualDevice in use. Must deactivate first.',
        status: 409,
      })
      await expectAwsError(h.call('DeleteUser', { UserName: 'alice' }), {
        code: 'DeleteConflict',
        message: 'Cannot delete entity, must delete MFA device first.',
        status: 409,
      })
      // Without UserName it acts on the calling user.
      const alice = userCaller(String(user['UserId']), 'alice')
      await h.call('DeactivateMFADevice', { SerialNumber: device.serial }, alice)
      assert.deepEqual(list(await h.call('ListMFADevices', {}, alice), 'MFADevices'), [])
      const record = await stored(h, device.serial)
      assert.deepEqual([record?.userId, record?.enableDate, record?.lastStep], [null, null, STEP])
      await h.call('DeleteUser', { UserName: 'alice' })
      await h.call('DeleteVirtualMFADevice', { SerialNumber: device.serial })
      assert.equal(await stored(h, device.serial), undefined)
      await expectAwsError(
        h.call('DeleteVirtualMFADevice', { SerialNumber: device.serial }),
        noSuchDevice(device.serial),
      )
    })
  })

  test("refuses a device not enabled for the user named, or another account's", async () => {
    await withHarness(async (h) => {
      await h.call('CreateUser', { UserName: 'alice' })
      await h.call('CreateUser', { UserName: 'bob' })
      const device = await createDevice(h, 'alice')
      await expectAwsError(
        h.call('DeactivateMFADevice', { UserName: 'alice', SerialNumber: device.serial }),
        invalidForUser,
      )
      await enable(h, 'alice', device)
      await expectAwsError(
        h.call('DeactivateMFADevice', { UserName: 'bob', SerialNumber: device.serial }),
        invalidForUser,
      )
      const other = rootCaller('210987654321')
      await expectAwsError(
        h.call('DeleteVirtualMFADevice', { SerialNumber: device.serial }, other),
        noSuchDevice(device.serial),
      )
      assert.equal((await stored(h, device.serial))?.userId !== null, true)
    })
  })
})

describe('ListVirtualMFADevices', () => {
  test('filters by assignment, names the user of assigned devices and pages by name', async () => {
    await withHarness(async (h) => {
      const user = member(await h.call('CreateUser', { UserName: 'alice' }), 'User')
      const devices: Created[] = []
      for (const name of ['d', 'b', 'c', 'a']) devices.push(await createDevice(h, name))
      await enable(h, 'alice', devices[1]!)
      const serials = (result: ResultObject | undefined) =>
        list(result, 'VirtualMFADevices').map((d) => d['SerialNumber'])
      assert.deepEqual(serials(await h.call('ListVirtualMFADevices')), [
        arnOf('a'),
        arnOf('b'),
        arnOf('c'),
        arnOf('d'),
      ])
      const assigned = list(
        await h.call('ListVirtualMFADevices', { AssignmentStatus: 'Assigned' }),
        'VirtualMFADevices',
      )
      assert.deepEqual(assigned, [
        {
          SerialNumber: arnOf('b'),
          User: {
            Path: '/',
            UserName: 'alice',
            UserId: user['UserId'],
            Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
            CreateDate: NOW,
          },
          EnableDate: NOW,
        },
      ])
      assert.deepEqual(
        serials(await h.call('ListVirtualMFADevices', { AssignmentStatus: 'Unassigned' })),
        [arnOf('a'), arnOf('c'), arnOf('d')],
      )
      const first = await h.call('ListVirtualMFADevices', { MaxItems: '3' })
      assert.equal(first?.['IsTruncated'], true)
      assert.deepEqual(serials(first), [arnOf('a'), arnOf('b'), arnOf('c')])
      const rest = await h.call('ListVirtualMFADevices', {
        MaxItems: '3',
        Marker: String(first?.['Marker']),
      })
      assert.equal(rest?.['IsTruncated'], false)
      assert.deepEqual(serials(rest), [arnOf('d')])
      await expectAwsError(h.call('ListVirtualMFADevices', { AssignmentStatus: 'Some' }), {
        code: 'ValidationError',
        message:
          "1 validation error detected: Value at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set",
        status: 400,
      })
    })
  })
})

describe('ListMFADevices', () => {
  test('lists nothing for the root user, and asks a role for a user name', async () => {
    await withHarness(async (h) => {
      assert.deepEqual(await h.call('ListMFADevices'), { MFADevices: [], IsTruncated: false })
      await expectAwsError(h.call('ListMFADevices', {}, roleCaller), {
        code: 'ValidationError',
        message: 'Must specify userName when calling with non-User credentials',
        status: 400,
      })
      await expectAwsError(h.call('ListMFADevices', { UserName: 'nobody' }), {
        code: 'NoSuchEntity',
        message: 'The user with name nobody cannot be found.',
        status: 404,
      })
    })
  })
})

describe('MFA device tags', () => {
  test('are added, listed by key and removed; a missing device is refused', async () => {
    await withHarness(async (h) => {
      const device = await createDevice(h, 'alice', tagPairs([['zeta', '1']]))
      await h.call('TagMFADevice', {
        SerialNumber: device.serial,
        ...tagPairs([
          ['Alpha', '2'],
          ['ZETA', '3'],
        ]),
      })
      assert.deepEqual(
        list(await h.call('ListMFADeviceTags', { SerialNumber: device.serial }), 'Tags'),
        [
          { Key: 'Alpha', Value: '2' },
          { Key: 'zeta', Value: '3' },
        ],
      )
      await h.call('UntagMFADevice', { SerialNumber: device.serial, 'TagKeys.member.1': 'alpha' })
      assert.deepEqual(
        list(await h.call('ListMFADeviceTags', { SerialNumber: device.serial }), 'Tags'),
        [{ Key: 'zeta', Value: '3' }],
      )
      await expectAwsError(
        h.call('TagMFADevice', { SerialNumber: arnOf('none'), ...tagPairs([['a', 'b']]) }),
        noSuchDevice(arnOf('none')),
      )
    })
  })
})
