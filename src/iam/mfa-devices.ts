// Virtual MFA devices: create (the only answer with the seed and its QR code), enable for a user
// with two consecutive codes, resync, deactivate, delete, list, and tag. Codes are RFC 6238 TOTP
// (mfa/); seeds are sealed at rest. Messages AWS's documentation does not give are the ones AWS
// answers with as other implementations recorded them.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateVirtualMFADevice.html
import { iamArn } from '../core/arn.js'
import {
  AwsError,
  alreadyExists,
  deleteConflict,
  limitExceeded,
  noSuchEntity,
} from '../core/errors.js'
import type { Pattern } from '../core/input.js'
import { enumValue, requiredString, tagList } from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import {
  SEED_BYTES,
  acceptConsecutiveCodes,
  awsKeyUri,
  qrCodePng,
  seedFromBytes,
} from '../mfa/index.js'
import type { MfaAssignment, MfaDeviceRecord, UserRecord } from '../store/ports.js'
import { NAME, path } from './names.js'
import type { IamContext, IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { paginate, paginateByName, pagingInput } from './pagination.js'
import { ACCOUNT_QUOTAS } from './quotas.js'
import { renderUser } from './render.js'
import { checkRequestTags, optionalTags, requestTagContext, taggingOperations } from './tags.js'
import {
  existingUserName,
  optionalExistingUserName,
  requireNamedOrCallingUser,
  requireUser,
} from './users.js'

/** IAM User Guide, IAM and AWS STS quotas: "MFA devices in use by an IAM user: 8". */
export const MAX_MFA_DEVICES_PER_USER = 8
/** The same guide: virtual MFA devices in an account, "Equal to the user quota for the account". */
export const MAX_VIRTUAL_MFA_DEVICES = ACCOUNT_QUOTAS.UsersPerAccount

const SERIAL_NUMBER: Pattern = { regex: /^[\w+=/:,.@-]+$/, text: '[\\w+=/:,.@-]+' }
const AUTHENTICATION_CODE: Pattern = { regex: /^\d+$/, text: '[\\d]+' }
const ASSIGNMENT_STATUSES: readonly MfaAssignment[] = ['Assigned', 'Unassigned', 'Any']

const serialNumber = () => requiredString({ min: 9, max: 256, pattern: SERIAL_NUMBER })
const authenticationCode = () => requiredString({ min: 6, max: 6, pattern: AUTHENTICATION_CODE })

const noSuchDevice = (serial: string) =>
  noSuchEntity(`VirtualMFADevice with serial number ${serial} does not exist.`)
const invalidForUser = () => noSuchEntity('MFA Device invalid for user.')
const invalidCode = () =>
  new AwsError('InvalidAuthenticationCode', 'Authentication code for device is not valid.')

/** A virtual MFA device's ARN, which is its serial number. */
export const mfaDeviceArn = (accountId: string, devicePath: string, name: string) =>
  iamArn(accountId, 'mfa', devicePath, name)

/** The account's device with this serial number. */
async function requireDevice(context: IamContext, serial: string): Promise<MfaDeviceRecord> {
  const device = await context.repo.mfaDevices.get(serial)
  if (!device || device.accountId !== context.accountId) throw noSuchDevice(serial)
  return device
}

/** The device with this serial number, enabled for `user`. */
async function requireUserDevice(
  context: IamContext,
  user: UserRecord,
  serial: string,
): Promise<MfaDeviceRecord> {
  const device = await requireDevice(context, serial)
  if (device.userId !== user.userId) throw invalidForUser()
  return device
}

/** The name an authenticator app shows the device under: the account's alias, else its id. */
async function accountName(context: IamContext): Promise<string> {
  const [alias] = await context.repo.accounts.listAliases(context.accountId)
  return alias ?? context.accountId
}

const createVirtualMfaDevice = defineOperation({
  name: 'CreateVirtualMFADevice',
  input: {
    Path: path(),
    VirtualMFADeviceName: requiredString({ min: 1, pattern: NAME }),
    Tags: tagList(),
  },
  resource: (input, { accountId }) =>
    mfaDeviceArn(accountId, input.Path ?? '/', input.VirtualMFADeviceName),
  context: (input) => requestTagContext(input.Tags),
  async run(input, context) {
    const tags = input.Tags ?? []
    checkRequestTags(tags)
    const devicePath = input.Path ?? '/'
    const name = input.VirtualMFADeviceName
    const { repo, accountId } = context
    if (await repo.mfaDevices.getByName(accountId, devicePath, name)) {
      throw alreadyExists('MFADevice entity at the same path and name already exists.')
    }
    if ((await repo.mfaDevices.count(accountId)) >= MAX_VIRTUAL_MFA_DEVICES) {
      throw limitExceeded(`Cannot exceed quota for MFADevices: ${MAX_VIRTUAL_MFA_DEVICES}`)
    }
    const device: MfaDeviceRecord = {
      accountId,
      serialNumber: mfaDeviceArn(accountId, devicePath, name),
      name,
      path: devicePath,
      seed: seedFromBytes(context.ids.randomBytes(SEED_BYTES)),
      userId: null,
      enableDate: null,
      lastStep: null,
      stepOffset: 0,
      createDate: context.now,
      tags,
    }
    await repo.mfaDevices.insert(device)
    const png = await qrCodePng(awsKeyUri(name, await accountName(context), device.seed))
    // Both are blobs on the wire: base64 of the seed's base32 text, and of the PNG.
    return {
      VirtualMFADevice: {
        SerialNumber: device.serialNumber,
        Base32StringSeed: Buffer.from(device.seed, 'ascii').toString('base64'),
        QRCodePNG: png.toString('base64'),
        Tags: optionalTags(tags),
      },
    }
  },
})

const enableMfaDevice = defineOperation({
  name: 'EnableMFADevice',
  input: {
    UserName: existingUserName(),
    SerialNumber: serialNumber(),
    AuthenticationCode1: authenticationCode(),
    AuthenticationCode2: authenticationCode(),
  },
  resource: (input, scope) => scope.entityArn('user', input.UserName),
  async run(input, context) {
    const user = await requireUser(context, input.UserName)
    const device = await requireDevice(context, input.SerialNumber)
    if (device.userId !== null) throw alreadyExists('MFA Device is already in use.')
    const enabled = await context.repo.mfaDevices.listForUser(user.userId)
    if (enabled.length >= MAX_MFA_DEVICES_PER_USER) {
      throw limitExceeded(`Cannot exceed quota for MFADevicesPerUser: ${MAX_MFA_DEVICES_PER_USER}`)
    }
    const accepted = acceptConsecutiveCodes(
      device.seed,
      input.AuthenticationCode1,
      input.AuthenticationCode2,
      context.now,
      device.lastStep,
    )
    if (!accepted) throw invalidCode()
    await context.repo.mfaDevices.update({
      ...device,
      userId: user.userId,
      enableDate: context.now,
      lastStep: accepted.step,
      stepOffset: accepted.stepOffset,
    })
    return undefined
  },
})

const resyncMfaDevice = defineOperation({
  name: 'ResyncMFADevice',
  input: {
    UserName: existingUserName(),
    SerialNumber: serialNumber(),
    AuthenticationCode1: authenticationCode(),
    AuthenticationCode2: authenticationCode(),
  },
  resource: (input, scope) => scope.entityArn('user', input.UserName),
  async run(input, context) {
    const user = await requireUser(context, input.UserName)
    const device = await requireUserDevice(context, user, input.SerialNumber)
    const accepted = acceptConsecutiveCodes(
      device.seed,
      input.AuthenticationCode1,
      input.AuthenticationCode2,
      context.now,
      device.lastStep,
    )
    if (!accepted) throw invalidCode()
    await context.repo.mfaDevices.update({
      ...device,
      lastStep: accepted.step,
      stepOffset: accepted.stepOffset,
    })
    return undefined
  },
})

const deactivateMfaDevice = defineOperation({
  name: 'DeactivateMFADevice',
  input: { UserName: optionalExistingUserName(), SerialNumber: serialNumber() },
  resource: (input, scope) => scope.userOrCaller(input.UserName),
  async run(input, context) {
    const user = await requireNamedOrCallingUser(context, input.UserName)
    const device = await requireUserDevice(context, user, input.SerialNumber)
    // The last step used stays: a code seen before cannot enable or sign in again.
    await context.repo.mfaDevices.update({ ...device, userId: null, enableDate: null })
    return undefined
  },
})

const deleteVirtualMfaDevice = defineOperation({
  name: 'DeleteVirtualMFADevice',
  input: { SerialNumber: serialNumber() },
  resource: (input) => input.SerialNumber,
  async run(input, context) {
    const device = await requireDevice(context, input.SerialNumber)
    if (device.userId !== null) {
      throw deleteConflict('MFA VirtualDevice in use. Must deactivate first.')
    }
    await context.repo.mfaDevices.delete(device.serialNumber)
    return undefined
  },
})

const renderMfaDevice = (device: MfaDeviceRecord, userName: string): ResultObject => ({
  UserName: userName,
  SerialNumber: device.serialNumber,
  EnableDate: device.enableDate,
})

const listMfaDevices = defineOperation({
  name: 'ListMFADevices',
  input: { UserName: optionalExistingUserName(), ...pagingInput },
  resource: (input, scope) => scope.userOrCaller(input.UserName),
  store: 'read',
  async run(input, context) {
    // The root user's own devices are not kept here: it has none to list.
    if (input.UserName === undefined && context.caller.type === 'root') {
      return paginate([], input, 'MFADevices', () => ({}))
    }
    const user = await requireNamedOrCallingUser(context, input.UserName)
    const devices = await context.repo.mfaDevices.listForUser(user.userId)
    return paginate(devices, input, 'MFADevices', (device) =>
      renderMfaDevice(device, user.userName),
    )
  },
})

const listVirtualMfaDevices = defineOperation({
  name: 'ListVirtualMFADevices',
  input: { AssignmentStatus: enumValue(ASSIGNMENT_STATUSES), ...pagingInput },
  // The Service Authorization Reference names no resource type for it.
  resource: () => '*',
  store: 'read',
  async run(input, context) {
    const { repo, accountId } = context
    const assignment = input.AssignmentStatus ?? 'Any'
    const users = new Map<string, UserRecord | undefined>()
    return paginateByName(
      input,
      'VirtualMFADevices',
      async ({ after, limit }) => {
        const devices = await repo.mfaDevices.list(accountId, { assignment, after, limit })
        for (const device of devices) {
          if (device.userId !== null && !users.has(device.userId)) {
            users.set(device.userId, await repo.users.getById(device.userId))
          }
        }
        return devices
      },
      (device) => device.path + device.name,
      (device) => {
        const user = device.userId === null ? undefined : users.get(device.userId)
        return {
          SerialNumber: device.serialNumber,
          User: user && renderUser(user, 'listing'),
          EnableDate: device.enableDate ?? undefined,
        }
      },
    )
  },
})

export const mfaDeviceOperations: IamOperation[] = [
  createVirtualMfaDevice,
  enableMfaDevice,
  resyncMfaDevice,
  deactivateMfaDevice,
  deleteVirtualMfaDevice,
  listMfaDevices,
  listVirtualMfaDevices,
  ...taggingOperations({
    noun: 'MFADevice',
    identity: { SerialNumber: serialNumber() },
    resource: (input) => input.SerialNumber,
    find: (input, context) => requireDevice(context, input.SerialNumber),
    save: (device, context) => context.repo.mfaDevices.update(device),
    quota: 'TagsPerMFADevice',
    listSorted: true,
  }),
]
