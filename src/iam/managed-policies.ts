// Customer managed policies: CreatePolicy, GetPolicy, ListPolicies (AWS's catalogue listed beside
// the account's own), DeletePolicy and their tags; versions have their own file.
import { iamArn } from '../core/arn.js'
import { AwsError, alreadyExists, deleteConflict } from '../core/errors.js'
import type { Pattern } from '../core/input.js'
import { enumValue, optionalBoolean, optionalString, tagList } from '../core/input.js'
import type { ManagedPolicyRecord, NamePage, PolicyUses } from '../store/ports.js'
import type { Repositories } from '../store/repositories.js'
import { comparePolicyKeys, listAwsManagedPolicies, policyKey } from './aws-managed-policies.js'
import type { PolicyKey } from './aws-managed-policies.js'
import {
  awsView,
  localView,
  renderPolicy,
  requirePolicy,
  requireWritablePolicy,
} from './managed-policy-views.js'
import type { PolicyView } from './managed-policy-views.js'
import { arn, description, path, policyDocument, policyName } from './names.js'
import type { IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { namePageResult, pagingInput, readPageByName } from './pagination.js'
import { checkManagedDocument, policyResource, policyVersionOperations } from './policy-versions.js'
import { refuseOverQuota } from './quotas.js'
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
    // Names are unique without regard to case: the first name from this one on is it, or not.
    const wanted = input.PolicyName.toLowerCase()
    const [next] = await repo.policies.list(accountId, { from: input.PolicyName, limit: 1 })
    if (next?.policyName.toLowerCase() === wanted) {
      throw alreadyExists(
        `A policy called ${input.PolicyName} already exists. Duplicate names are not allowed.`,
      )
    }
    refuseOverQuota('PoliciesPerAccount', await repo.policies.count(accountId))
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
    await repo.policies.insert(record)
    await repo.policies.insertVersion({
      accountId,
      policyArn: record.arn,
      versionId: 'v1',
      document: input.PolicyDocument,
      createDate: now,
    })
    const usage: PolicyUses = { attachments: new Map(), boundaries: new Map() }
    return { Policy: renderPolicy(localView(record), usage) }
  },
})

const getPolicy = defineOperation({
  name: 'GetPolicy',
  input: policyArnInput,
  resource: policyResource,
  store: 'read',
  async run(input, { repo, accountId }) {
    const policy = await requirePolicy(repo, accountId, input.PolicyArn)
    const usage = await repo.attachments.countUses(accountId, [policy.arn])
    return { Policy: renderPolicy(policy, usage) }
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
  store: 'read',
  async run(input, { repo, accountId }) {
    const scope = input.Scope ?? 'All'
    const prefix = input.PathPrefix ?? '/'
    const filter = input.PolicyUsageFilter
    // Filtered listings keep the policies the account uses: count every use once.
    const used =
      input.OnlyAttached === true || filter === 'PermissionsBoundary'
        ? await repo.attachments.countUses(accountId)
        : undefined
    const keep = (policy: PolicyView): boolean => {
      if (!policy.path.startsWith(prefix)) return false
      if (used === undefined) return true
      const attached = used.attachments.has(policy.arn)
      const bounding = used.boundaries.has(policy.arn)
      if (filter === 'PermissionsBoundary') return bounding
      if (filter === 'PermissionsPolicy') return attached
      return attached || bounding
    }
    const page = await readPageByName(
      input,
      async ({ after, limit }) => {
        const from = after === undefined ? undefined : parsePolicyKey(after)
        const views: PolicyView[] = []
        if (scope !== 'Local') views.push(...awsPoliciesFrom(from, keep, limit))
        if (scope !== 'AWS')
          views.push(...(await localPoliciesFrom(repo, accountId, from, keep, limit)))
        return views
          .filter((policy) => from === undefined || comparePolicyKeys(policyKey(policy), from) > 0)
          .sort((a, b) => comparePolicyKeys(policyKey(a), policyKey(b)))
          .slice(0, limit)
      },
      (policy) => formatPolicyKey(policyKey(policy)),
    )
    const usage = await repo.attachments.countUses(
      accountId,
      page.items.map((policy) => policy.arn),
    )
    return namePageResult('Policies', page, (policy) => renderPolicy(policy, usage, 'listing'))
  },
})

const formatPolicyKey = (key: PolicyKey) => `${key.nameKey}\n${key.arn}`

function parsePolicyKey(text: string): PolicyKey {
  const at = text.indexOf('\n')
  if (at < 0) throw new AwsError('InvalidInput', 'Invalid Marker.')
  return { nameKey: text.slice(0, at), arn: text.slice(at + 1) }
}

/** AWS managed policies from `from` on (the catalogue is in key order): `limit` kept ones. */
function awsPoliciesFrom(
  from: PolicyKey | undefined,
  keep: (policy: PolicyView) => boolean,
  limit: number,
): PolicyView[] {
  const catalogue = listAwsManagedPolicies()
  let low = 0
  let high = catalogue.length
  while (from !== undefined && low < high) {
    const middle = (low + high) >> 1
    if (comparePolicyKeys(policyKey(catalogue[middle]!), from) <= 0) low = middle + 1
    else high = middle
  }
  const views: PolicyView[] = []
  for (let index = low; index < catalogue.length && views.length < limit; index += 1) {
    const view = awsView(catalogue[index]!)
    if (keep(view)) views.push(view)
  }
  return views
}

/**
 * The account's policies from `from` on: a page through the name index (from the marker's name,
 * inclusive: an AWS policy may share it), read again further on while filters drop them.
 */
async function localPoliciesFrom(
  repo: Repositories,
  accountId: string,
  from: PolicyKey | undefined,
  keep: (policy: PolicyView) => boolean,
  limit: number,
): Promise<PolicyView[]> {
  const views: PolicyView[] = []
  let page: NamePage = from === undefined ? {} : { from: from.nameKey }
  for (;;) {
    const records = await repo.policies.list(accountId, { ...page, limit })
    for (const record of records) {
      const view = localView(record)
      if (keep(view)) views.push(view)
    }
    const last = records.at(-1)
    if (records.length < limit || views.length >= limit || last === undefined) return views
    page = { after: last.policyName }
  }
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
    const usage = await repo.attachments.countUses(accountId, [policy.arn])
    const inUse = (usage.attachments.get(policy.arn) ?? 0) + (usage.boundaries.get(policy.arn) ?? 0)
    if (inUse > 0) throw deleteConflict('Cannot delete a policy attached to entities.')
    const versions = await repo.policies.listVersions(policy.arn)
    if (versions.length > 1) {
      throw deleteConflict(
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      )
    }
    for (const version of versions) await repo.policies.deleteVersion(policy.arn, version.versionId)
    await repo.policies.delete(policy.arn)
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
        : repo.policies.update(policy),
    quota: POLICY_TAG_QUOTA,
    rules: POLICY_TAG_RULES,
  }),
]
