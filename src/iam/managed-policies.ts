// Customer managed policies: CreatePolicy, GetPolicy, ListPolicies (AWS's catalogue listed beside
// the account's own), DeletePolicy and their tags; versions have their own file.
import { iamArn } from '../core/arn.js'
import { alreadyExists, deleteConflict } from '../core/errors.js'
import type { Pattern } from '../core/input.js'
import { enumValue, optionalBoolean, optionalString, tagList } from '../core/input.js'
import type { ManagedPolicyRecord } from '../store/ports.js'
import { listAwsManagedPolicies } from './aws-managed-policies.js'
import {
  awsView,
  localView,
  policyUsage,
  renderPolicy,
  requirePolicy,
  requireWritablePolicy,
} from './managed-policy-views.js'
import type { PolicyUsage, PolicyView } from './managed-policy-views.js'
import { arn, description, path, policyDocument, policyName } from './names.js'
import type { IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { paginate, pagingInput } from './pagination.js'
import { checkManagedDocument, policyResource, policyVersionOperations } from './policy-versions.js'
import { checkRequestTags, requestTagContext, taggingOperations } from './tags.js'

/** Policy tag keys compare exactly, unlike user and role tags. */
const POLICY_TAG_RULES = { caseSensitive: true }
const POLICY_TAG_QUOTA = 'TagsPerPolicy'

const POLICY_PATH_PREFIX: Pattern = {
  regex: /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/,
  text: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/',
}

const policyArnInput = { PolicyArn: arn() }

const createPolicy = defineOperation({
  name: 'CreatePolicy',
  input: {
    PolicyName: policyName(),
    Path: path(),
    PolicyDocument: policyDocument(),
    Description: description(),
    Tags: tagList(),
  },
  resource: (input, { accountId }) =>
    iamArn(accountId, 'policy', input.Path ?? '/', input.PolicyName),
  context: (input) => requestTagContext(input.Tags),
  async run(input, { repo, accountId, ids, now }) {
    const tags = input.Tags ?? []
    checkRequestTags(tags, POLICY_TAG_RULES)
    checkManagedDocument(input.PolicyDocument)
    const wanted = input.PolicyName.toLowerCase()
    const existing = await repo.listPolicies(accountId)
    if (existing.some((policy) => policy.policyName.toLowerCase() === wanted)) {
      throw alreadyExists(
        `A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`,
      )
    }
    const policyPath = input.Path ?? '/'
    const record: ManagedPolicyRecord = {
      accountId,
      policyId: ids.uniqueId('policy'),
      policyName: input.PolicyName,
      path: policyPath,
      arn: iamArn(accountId, 'policy', policyPath, input.PolicyName),
      description: input.Description ?? null,
      defaultVersionId: 'v1',
      nextVersionNumber: 2,
      createDate: now,
      updateDate: now,
      tags,
    }
    await repo.insertPolicy(record)
    await repo.insertPolicyVersion({
      accountId,
      policyArn: record.arn,
      versionId: 'v1',
      document: input.PolicyDocument,
      createDate: now,
    })
    const usage: PolicyUsage = { attachments: new Map(), boundaries: new Map() }
    return { Policy: renderPolicy(localView(record), usage) }
  },
})

const getPolicy = defineOperation({
  name: 'GetPolicy',
  input: policyArnInput,
  resource: policyResource,
  readOnly: true,
  async run(input, { repo, accountId }) {
    const policy = await requirePolicy(repo, accountId, input.PolicyArn)
    return { Policy: renderPolicy(policy, await policyUsage(repo, accountId)) }
  },
})

const listPolicies = defineOperation({
  name: 'ListPolicies',
  input: {
    Scope: enumValue(['All', 'AWS', 'Local'] as const),
    OnlyAttached: optionalBoolean(),
    PathPrefix: optionalString({ min: 1, max: 512, pattern: POLICY_PATH_PREFIX }),
    PolicyUsageFilter: enumValue(['PermissionsPolicy', 'PermissionsBoundary'] as const),
    ...pagingInput,
  },
  resource: () => '*',
  readOnly: true,
  async run(input, { repo, accountId }) {
    const scope = input.Scope ?? 'All'
    const prefix = input.PathPrefix ?? '/'
    const views: PolicyView[] = []
    if (scope !== 'Local') views.push(...listAwsManagedPolicies().map(awsView))
    if (scope !== 'AWS') views.push(...(await repo.listPolicies(accountId)).map(localView))
    const usage = await policyUsage(repo, accountId)
    const attached = (policy: PolicyView) => (usage.attachments.get(policy.arn) ?? 0) > 0
    const bounding = (policy: PolicyView) => (usage.boundaries.get(policy.arn) ?? 0) > 0
    const used = (policy: PolicyView) => {
      if (input.PolicyUsageFilter === 'PermissionsPolicy') return attached(policy)
      if (input.PolicyUsageFilter === 'PermissionsBoundary') return bounding(policy)
      return attached(policy) || bounding(policy)
    }
    const selected = views
      .filter((policy) => policy.path.startsWith(prefix))
      .filter((policy) => (input.OnlyAttached ? used(policy) : true))
      .filter((policy) => input.PolicyUsageFilter !== 'PermissionsBoundary' || bounding(policy))
      .sort(byName)
    return paginate(selected, input, 'Policies', (policy) => renderPolicy(policy, usage, 'listing'))
  },
})

const byName = (a: PolicyView, b: PolicyView) => {
  const left = a.policyName.toLowerCase()
  const right = b.policyName.toLowerCase()
  return left < right ? -1 : left > right ? 1 : 0
}

const deletePolicy = defineOperation({
  name: 'DeletePolicy',
  input: policyArnInput,
  resource: policyResource,
  async run(input, { repo, accountId, caller }) {
    const policy = await requireWritablePolicy(
      repo,
      accountId,
      caller,
      'DeletePolicy',
      input.PolicyArn,
    )
    const usage = await policyUsage(repo, accountId)
    const inUse = (usage.attachments.get(policy.arn) ?? 0) + (usage.boundaries.get(policy.arn) ?? 0)
    if (inUse > 0) throw deleteConflict('Cannot delete a policy attached to entities.')
    const versions = await repo.listPolicyVersions(policy.arn)
    if (versions.length > 1) {
      throw deleteConflict(
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      )
    }
    for (const version of versions) await repo.deletePolicyVersion(policy.arn, version.versionId)
    await repo.deletePolicy(policy.arn)
    return undefined
  },
})

export const managedPolicyOperations: IamOperation[] = [
  createPolicy,
  getPolicy,
  listPolicies,
  deletePolicy,
  ...policyVersionOperations,
  ...taggingOperations({
    noun: 'Policy',
    identity: { PolicyArn: arn() },
    resource: policyResource,
    // Listing reads AWS managed policies too (they have no tags); writes reach customer policies.
    find: (
      input,
      { repo, accountId, caller },
      action,
    ): Promise<PolicyView | ManagedPolicyRecord> =>
      action === 'ListPolicyTags'
        ? requirePolicy(repo, accountId, input.PolicyArn)
        : requireWritablePolicy(repo, accountId, caller, action, input.PolicyArn),
    save: (policy, { repo }) =>
      'kind' in policy
        ? Promise.reject(new Error('a policy view is read-only'))
        : repo.updatePolicy(policy),
    quota: POLICY_TAG_QUOTA,
    rules: POLICY_TAG_RULES,
  }),
]
