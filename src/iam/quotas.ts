// IAM's default quotas on what one account holds, from the IAM User Guide's "IAM and AWS STS
// quotas" (IAM object quotas): past one, a create is LimitExceeded in AWS's words. They are
// counted in the create's own transaction, so two creates racing for the last place cannot both
// win (SQLite writes one at a time; PostgreSQL's serializable isolation retries the loser).
import { limitExceeded } from '../core/errors.js'

export const ACCOUNT_QUOTAS = {
  UsersPerAccount: 5000,
  RolesPerAccount: 1000,
  GroupsPerAccount: 300,
  PoliciesPerAccount: 1500,
  InstanceProfilesPerAccount: 1000,
} as const

export type AccountQuota = keyof typeof ACCOUNT_QUOTAS

/** Refuses one more of what the account already holds `held` of. */
export function refuseOverQuota(quota: AccountQuota, held: number): void {
  const limit = ACCOUNT_QUOTAS[quota]
  if (held >= limit) throw limitExceeded(`Cannot exceed quota for ${quota}: ${limit}`)
}
