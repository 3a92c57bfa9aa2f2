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

/** Roles by account and name, per store: every AssumeRole* call reads one. */
const roleCaches = new WeakMap<Store, GenerationCache<RoleRecord | undefined>>()

function rolesOf(store: Store): GenerationCache<RoleRecord | undefined> {
  let cache = roleCaches.get(store)
  if (cache === undefined) {
    cache = new GenerationCache(store)
    roleCaches.set(store, cache)
  }
  return cache
}

/**
 * The role the ARN names, path included; undefined when there is none. Read from memory until the
 * store's generation moves, so a deleted role or an edited trust policy counts from the next call.
 */
export async function findRole(store: Store, target: RoleTarget): Promise<RoleRecord | undefined> {
  const { roleName } = target
  if (roleName === undefined || !/^\d{12}$/.test(target.account)) return undefined
  const role = await rolesOf(store).get(`${target.account}\u0000${roleName}`, () =>
    store.transaction((repo) => repo.getRoleByName(target.account, roleName)),
  )
  return role && role.arn === target.arn ? role : undefined
}
