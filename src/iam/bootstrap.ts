// First start: the account and an IAM user `admin` with AdministratorAccess and one access key.
// Idempotent: run again over existing state it changes nothing, so a restart keeps everything.
import { AWS_MANAGED_POLICY_PREFIX, iamArn } from '../core/arn.js'
import type { IdSource } from '../core/ids.js'
import type { Store } from '../store/ports.js'
import type { Repositories } from '../store/repositories.js'

export const ADMIN_USER_NAME = 'admin'
export const ADMINISTRATOR_ACCESS_ARN = `${AWS_MANAGED_POLICY_PREFIX}/AdministratorAccess`

export interface AdminKey {
  accessKeyId: string
  secretAccessKey: string
}

export interface BootstrapOptions {
  accountId: string
  /** The key the admin must have (from the environment, or kept across a reset). */
  adminKey?: AdminKey | undefined
  ids: IdSource
  now: Date
}

export interface BootstrapResult {
  adminKey: AdminKey
  /** True when this run generated the key: it exists nowhere but in the store until saved. */
  generated: boolean
}

async function ensureAdminUser(repo: Repositories, options: BootstrapOptions) {
  const existing = await repo.users.getByName(options.accountId, ADMIN_USER_NAME)
  if (existing) return existing
  const user = {
    accountId: options.accountId,
    userId: options.ids.uniqueId('user'),
    userName: ADMIN_USER_NAME,
    path: '/',
    arn: iamArn(options.accountId, 'user', '/', ADMIN_USER_NAME),
    createDate: options.now,
    permissionsBoundaryArn: null,
    tags: [],
  }
  await repo.users.insert(user)
  return user
}

async function ensureAdminKey(
  repo: Repositories,
  userId: string,
  options: BootstrapOptions,
): Promise<BootstrapResult> {
  const wanted = options.adminKey
  if (wanted) {
    const existing = await repo.accessKeys.get(wanted.accessKeyId)
    if (!existing) {
      await repo.accessKeys.insert({
        accessKeyId: wanted.accessKeyId,
        accountId: options.accountId,
        userId,
        secretAccessKey: wanted.secretAccessKey,
        status: 'Active',
        createDate: options.now,
        lastUsed: null,
      })
    } else if (
      existing.secretAccessKey !== wanted.secretAccessKey ||
      existing.status !== 'Active'
    ) {
      // The operator's configuration is the truth for the bootstrap key.
      await repo.accessKeys.update({
        ...existing,
        secretAccessKey: wanted.secretAccessKey,
        status: 'Active',
      })
    }
    return { adminKey: wanted, generated: false }
  }
  const keys = await repo.accessKeys.listForUser(userId)
  const usable = keys.find((key) => key.status === 'Active') ?? keys[0]
  if (usable) {
    return {
      adminKey: { accessKeyId: usable.accessKeyId, secretAccessKey: usable.secretAccessKey },
      generated: false,
    }
  }
  const adminKey = {
    accessKeyId: options.ids.uniqueId('accessKey'),
    secretAccessKey: options.ids.secretKey(),
  }
  await repo.accessKeys.insert({
    ...adminKey,
    accountId: options.accountId,
    userId,
    status: 'Active',
    createDate: options.now,
    lastUsed: null,
  })
  return { adminKey, generated: true }
}

/** Creates whatever of the account, the admin user, its policy and its key is missing. */
export function bootstrap(store: Store, options: BootstrapOptions): Promise<BootstrapResult> {
  return store.transaction(async (repo) => {
    if (!(await repo.accounts.get(options.accountId))) {
      await repo.accounts.insert({ accountId: options.accountId, createDate: options.now })
    }
    const user = await ensureAdminUser(repo, options)
    const attached = await repo.attachments.listForEntity('user', user.userId)
    if (!attached.includes(ADMINISTRATOR_ACCESS_ARN)) {
      await repo.attachments.attach({
        accountId: options.accountId,
        entityType: 'user',
        entityId: user.userId,
        policyArn: ADMINISTRATOR_ACCESS_ARN,
      })
    }
    return ensureAdminKey(repo, user.userId, options)
  })
}
