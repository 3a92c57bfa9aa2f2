// Long-term access keys of IAM users: create (the only answer with the secret), list, activate or
// deactivate, delete, and when each was last used. Without UserName they act on the calling user.
import { limitExceeded, noSuchEntity } from '../core/errors.js'
import { enumValue, requiredString } from '../core/input.js'
import type { AccessKeyRecord, AccessKeyStatus, UserRecord } from '../store/ports.js'
import { ACCESS_KEY_ID } from './names.js'
import type { IamContext, IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { paginate, pagingInput } from './pagination.js'
import { renderAccessKeyMetadata, renderNewAccessKey } from './render.js'
import { optionalExistingUserName, requireNamedOrCallingUser } from './users.js'

/** AWS's AccessKeysPerUser quota. */
export const MAX_ACCESS_KEYS_PER_USER = 2

const accessKeyId = () => requiredString({ min: 16, max: 128, pattern: ACCESS_KEY_ID })
const STATUSES: readonly AccessKeyStatus[] = ['Active', 'Inactive']

const keyNotFound = (id: string) => noSuchEntity(`The Access Key with id ${id} cannot be found.`)

/** Without UserName, AWS authorises against the caller's own user, which the input cannot name. */
/** The key with this id that belongs to `user`; a key of anyone else does not exist here. */
async function requireUserKey(
  context: IamContext,
  user: UserRecord,
  id: string,
): Promise<AccessKeyRecord> {
  const key = await context.repo.accessKeys.get(id)
  if (!key || key.userId !== user.userId) throw keyNotFound(id)
  return key
}

const createAccessKey = defineOperation({
  name: 'CreateAccessKey',
  input: { UserName: optionalExistingUserName() },
  resource: (input, scope) => scope.userOrCaller(input.UserName),
  async run(input, context) {
    const user = await requireNamedOrCallingUser(context, input.UserName)
    const keys = await context.repo.accessKeys.listForUser(user.userId)
    if (keys.length >= MAX_ACCESS_KEYS_PER_USER) {
      throw limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${MAX_ACCESS_KEYS_PER_USER}`)
    }
    const key: AccessKeyRecord = {
      accessKeyId: context.ids.uniqueId('accessKey'),
      accountId: context.accountId,
      userId: user.userId,
      secretAccessKey: context.ids.secretKey(),
      status: 'Active',
      createDate: context.now,
      lastUsed: null,
    }
    await context.repo.accessKeys.insert(key)
    return { AccessKey: renderNewAccessKey(key, user.userName) }
  },
})

const listAccessKeys = defineOperation({
  name: 'ListAccessKeys',
  input: { UserName: optionalExistingUserName(), ...pagingInput },
  resource: (input, scope) => scope.userOrCaller(input.UserName),
  store: 'read',
  async run(input, context) {
    const user = await requireNamedOrCallingUser(context, input.UserName)
    const keys = await context.repo.accessKeys.listForUser(user.userId)
    return paginate(keys, input, 'AccessKeyMetadata', (key) =>
      renderAccessKeyMetadata(key, user.userName),
    )
  },
})

const updateAccessKey = defineOperation({
  name: 'UpdateAccessKey',
  input: {
    UserName: optionalExistingUserName(),
    AccessKeyId: accessKeyId(),
    Status: enumValue(STATUSES, { required: true }),
  },
  resource: (input, scope) => scope.userOrCaller(input.UserName),
  async run(input, context) {
    const user = await requireNamedOrCallingUser(context, input.UserName)
    const key = await requireUserKey(context, user, input.AccessKeyId)
    // `Status` is required, so the input check has already refused a request without it.
    await context.repo.accessKeys.update({ ...key, status: input.Status ?? key.status })
    return undefined
  },
})

const deleteAccessKey = defineOperation({
  name: 'DeleteAccessKey',
  input: { UserName: optionalExistingUserName(), AccessKeyId: accessKeyId() },
  resource: (input, scope) => scope.userOrCaller(input.UserName),
  async run(input, context) {
    const user = await requireNamedOrCallingUser(context, input.UserName)
    const key = await requireUserKey(context, user, input.AccessKeyId)
    await context.repo.accessKeys.delete(key.accessKeyId)
    return undefined
  },
})

const getAccessKeyLastUsed = defineOperation({
  name: 'GetAccessKeyLastUsed',
  input: { AccessKeyId: accessKeyId() },
  // The key's owner is not in the input; AWS names the owning user's ARN.
  resource: (_input, scope) => scope.userOrCaller(undefined),
  store: 'read',
  async run(input, context) {
    const key = await context.repo.accessKeys.get(input.AccessKeyId)
    if (!key || key.accountId !== context.accountId) throw keyNotFound(input.AccessKeyId)
    const user = await context.repo.users.getById(key.userId)
    if (!user) throw keyNotFound(input.AccessKeyId)
    // A key never used reports N/A for service and region and no date, as AWS does.
    const lastUsed = key.lastUsed
    return {
      UserName: user.userName,
      AccessKeyLastUsed:
        lastUsed === null
          ? { ServiceName: 'N/A', Region: 'N/A' }
          : {
              LastUsedDate: lastUsed.date,
              ServiceName: lastUsed.serviceName,
              Region: lastUsed.region,
            },
    }
  },
})

export const accessKeyOperations: IamOperation[] = [
  createAccessKey,
  listAccessKeys,
  updateAccessKey,
  deleteAccessKey,
  getAccessKeyLastUsed,
]
