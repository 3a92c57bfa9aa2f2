// GetAccountSummary: what the account holds and IAM's quotas, as AWS's SummaryMap. The quotas are
// IAM's defaults (IAM User Guide, "IAM and AWS STS quotas"); the account-root entries are 0, for
// rolegate gives the root user no password, access keys, MFA device or signing certificates.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountSummary.html
import { MAX_ACCESS_KEYS_PER_USER } from './access-keys.js'
import { MAX_ATTACHED_POLICIES } from './attachments.js'
import { MAX_GROUPS_PER_USER } from './groups.js'
import { defineOperation } from './operation.js'
import type { IamOperation } from './operation.js'
import { MANAGED_POLICY_MAX_SIZE, MAX_POLICY_VERSIONS } from './policy-versions.js'
import { ACCOUNT_QUOTAS } from './quotas.js'
import { MAX_TRUST_POLICY_SIZE } from './roles.js'

/** The quotas with no count beside them here, at AWS's defaults. */
const FIXED_QUOTAS = {
  ServerCertificatesQuota: 20,
  UserPolicySizeQuota: 2048,
  GroupPolicySizeQuota: 5120,
  RolePolicySizeQuota: 10240,
  SigningCertificatesPerUserQuota: 2,
  PolicyVersionsInUseQuota: 10000,
} as const

const getAccountSummary = defineOperation({
  name: 'GetAccountSummary',
  input: {},
  resource: () => '*',
  store: 'read',
  async run(_input, { repo, accountId }) {
    const providers =
      (await repo.oidcProviders.list(accountId)).length +
      (await repo.samlProviders.list(accountId)).length
    const summary: [string, number][] = [
      ['Users', await repo.users.count(accountId)],
      ['UsersQuota', ACCOUNT_QUOTAS.UsersPerAccount],
      ['Groups', await repo.groups.count(accountId)],
      ['GroupsQuota', ACCOUNT_QUOTAS.GroupsPerAccount],
      ['Roles', await repo.roles.count(accountId)],
      ['RolesQuota', ACCOUNT_QUOTAS.RolesPerAccount],
      ['Policies', await repo.policies.count(accountId)],
      ['PoliciesQuota', ACCOUNT_QUOTAS.PoliciesPerAccount],
      ['PolicyVersionsInUse', await repo.policies.countVersions(accountId)],
      ['PolicyVersionsInUseQuota', FIXED_QUOTAS.PolicyVersionsInUseQuota],
      ['VersionsPerPolicyQuota', MAX_POLICY_VERSIONS],
      ['PolicySizeQuota', MANAGED_POLICY_MAX_SIZE],
      ['InstanceProfiles', await repo.instanceProfiles.count(accountId)],
      ['InstanceProfilesQuota', ACCOUNT_QUOTAS.InstanceProfilesPerAccount],
      ['MFADevices', await repo.mfaDevices.count(accountId, 'Any')],
      ['MFADevicesInUse', await repo.mfaDevices.count(accountId, 'Assigned')],
      ['Providers', providers],
      ['ServerCertificates', 0],
      ['ServerCertificatesQuota', FIXED_QUOTAS.ServerCertificatesQuota],
      ['AccessKeysPerUserQuota', MAX_ACCESS_KEYS_PER_USER],
      ['GroupsPerUserQuota', MAX_GROUPS_PER_USER],
      ['SigningCertificatesPerUserQuota', FIXED_QUOTAS.SigningCertificatesPerUserQuota],
      ['AttachedPoliciesPerUserQuota', MAX_ATTACHED_POLICIES],
      ['AttachedPoliciesPerGroupQuota', MAX_ATTACHED_POLICIES],
      ['AttachedPoliciesPerRoleQuota', MAX_ATTACHED_POLICIES],
      ['UserPolicySizeQuota', FIXED_QUOTAS.UserPolicySizeQuota],
      ['GroupPolicySizeQuota', FIXED_QUOTAS.GroupPolicySizeQuota],
      ['RolePolicySizeQuota', FIXED_QUOTAS.RolePolicySizeQuota],
      ['AssumeRolePolicySizeQuota', MAX_TRUST_POLICY_SIZE],
      ['AccountMFAEnabled', 0],
      ['AccountAccessKeysPresent', 0],
      ['AccountPasswordPresent', 0],
      ['AccountSigningCertificatesPresent', 0],
      ['GlobalEndpointTokenVersion', 1],
    ]
    return { SummaryMap: new Map(summary) }
  },
})

export const accountSummaryOperations: IamOperation[] = [getAccountSummary]
