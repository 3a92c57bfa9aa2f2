// The RoleArn of AssumeRole*: checked as an ARN first (AWS: `<arn> is invalid`), then read as an
// IAM role in some account. A well-formed ARN that names no role is not revealed as such: the
// caller is simply not authorised, as AWS answers.
import { parseArn } from '../core/arn.js'
import type { RoleRecord, Store } from '../store/ports.js'
import { invalidArn } from './aws-messages.js'
import { GenerationCache } from './generation-cache.js'

export interface RoleTarget {
  arn: string
  account: string
  /** The role name (the last path segment), or undefined when the ARN names no IAM role. */
  roleName: string | undefined
}

export function readRoleArn(text: string): RoleTarget {
  const arn = parseArn(text)
  if (!arn || arn.resource === '') throw invalidArn(text)
  const isRole = arn.service === 'iam' && arn.region === '' && arn.resource.startsWith('role/')
  const roleName = isRole ? arn.resource.split('/').pop() : undefined
  return { arn: text, account: arn.account, roleName: roleName === '' ? undefined : roleName }
}

/**
 * The roles AssumeRole* name, read from the store and kept in memory until its generation moves,
 * so a deleted role or an edited trust policy counts from the next call. One per STS service.
 */
export class StoredRoles {
  private readonly cache: GenerationCache<RoleRecord | undefined>

  constructor(private readonly store: Store) {
    this.cache = new GenerationCache(store)
  }

  /** The role the ARN names, path included; undefined when there is none. */
  async find(target: RoleTarget): Promise<RoleRecord | undefined> {
    const { roleName } = target
    if (roleName === undefined || !/^\d{12}$/.test(target.account)) return undefined
    const role = await this.cache.get(`${target.account}\u0000${roleName}`, () =>
      this.store.read((repo) => repo.roles.getByName(target.account, roleName)),
    )
    return role && role.arn === target.arn ? role : undefined
  }
}
