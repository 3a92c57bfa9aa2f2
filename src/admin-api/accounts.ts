// CreateAccount: another account on this server with its own bootstrap admin (user `admin` with
// AdministratorAccess and one access key, returned once), for cross-account setups and tests.
import { iamArn } from '../core/arn.js'
import { alreadyExists } from '../core/errors.js'
import { requiredString } from '../core/input.js'
import { ADMINISTRATOR_ACCESS_ARN, ADMIN_USER_NAME } from '../iam/bootstrap.js'
import { defineAdminOperation, rolegateArn } from './operation.js'

const createAccount = defineAdminOperation({
  name: 'CreateAccount',
  input: {
    AccountId: requiredString({
      min: 12,
      max: 12,
      pattern: { regex: /^\d{12}$/, text: '\\d{12}' },
    }),
  },
  primaryAccountOnly: true,
  resource: (input, { accountId }) => rolegateArn(accountId, `account/${input.AccountId}`),
  async run(input, context) {
    const { repo, ids, now } = context
    const accountId = input.AccountId
    if (await repo.accounts.get(accountId)) {
      throw alreadyExists(`Account ${accountId} already exists.`)
    }
    await repo.accounts.insert({ accountId, createDate: now })
    const user = {
      accountId,
      userId: ids.uniqueId('user'),
      userName: ADMIN_USER_NAME,
      path: '/',
      arn: iamArn(accountId, 'user', '/', ADMIN_USER_NAME),
      createDate: now,
      permissionsBoundaryArn: null,
      tags: [],
    }
    await repo.users.insert(user)
    await repo.attachments.attach({
      accountId,
      entityType: 'user',
      entityId: user.userId,
      policyArn: ADMINISTRATOR_ACCESS_ARN,
    })
    const key = {
      accessKeyId: ids.uniqueId('accessKey'),
      secretAccessKey: ids.secretKey(),
      accountId,
      userId: user.userId,
      status: 'Active' as const,
      createDate: now,
      lastUsed: null,
    }
    await repo.accessKeys.insert(key)
    return {
      Account: { AccountId: accountId, CreateDate: now },
      AdminUser: { UserName: user.userName, UserId: user.userId, Arn: user.arn },
      AccessKey: {
        UserName: user.userName,
        AccessKeyId: key.accessKeyId,
        SecretAccessKey: key.secretAccessKey,
        Status: key.status,
        CreateDate: now,
      },
    }
  },
})

export const accountOperations = [createAccount]
