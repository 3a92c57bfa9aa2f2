// Managed policies: customer policies with their versions and tags, and the read-only AWS managed
// catalogue served beside them (GetPolicy, ListPolicies, GetPolicyVersion, ...).
import { iamArn, parseArn } from '../core/arn.js'
import type { Caller } from '../core/caller.js'
import {
  AwsError,
  accessDenied,
  alreadyExists,
  deleteConflict,
  limitExceeded,
  noSuchEntity,
} from '../core/errors.js'
import type { Pattern } from '../core/input.js'
import {
  enumValue,
  optionalBoolean,
  optionalString,
  requiredString,
  tagList,
} from '../core/input.js'
import type { ResultObject } from '../core/result.js'
import { parsePolicy, policySizeWithoutWhitespace } from '../policy/parse-policy.js'
import type {
  IamRepository,
  ManagedPolicyRecord,
  PolicyVersionRecord,
  Tag,
} from '../store/ports.js'
import type { AwsManagedPolicy } from './aws-managed-policies.js'
import {
  awsManagedPolicy,
  isAwsManagedPolicyArn,
  listAwsManagedPolicies,
} from './aws-managed-policies.js'
import { arn, description, path, policyDocument, policyName } from './names.js'
import type { IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { paginate, pagingInput } from './pagination.js'
import { encodePolicyDocument } from './render.js'
import { checkRequestTags, optionalTags, requestTagContext, taggingOperations } from './tags.js'

export const MANAGED_POLICY_MAX_SIZE = 6144
export const MAX_POLICY_VERSIONS = 5
/** Policy tag keys compare exactly, unlike user and role tags. */
const POLICY_TAG_RULES = { caseSensitive: true }
const POLICY_TAG_QUOTA = 'TagsPerPolicy'

const VERSION_ID: Pattern = {
  regex: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/,
  text: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?',
}
const POLICY_PATH_PREFIX: Pattern = {
  regex: /^((\/[A-Za-z0-9.,+@=_-]+)*)\/$/,
  text: '((/[A-Za-z0-9\\.,\\+@=_-]+)*)/',
}
const versionId = () => requiredString({ pattern: VERSION_ID })

/** A managed policy as the operations see it, whichever side of the catalogue it lives on. */
export interface PolicyView {
  kind: 'aws' | 'local'
  policyName: string
  policyId: string
  arn: string
  path: string
  defaultVersionId: string
  description: string | null
  createDate: Date
  updateDate: Date
  isAttachable: boolean
  tags: Tag[]
}

const awsView = (policy: AwsManagedPolicy): PolicyView => ({
  kind: 'aws',
  policyName: policy.policyName,
  policyId: policy.policyId,
  arn: policy.arn,
  path: policy.path,
  defaultVersionId: policy.defaultVersionId,
  description: null,
  createDate: policy.createDate,
  updateDate: policy.updateDate,
  isAttachable: policy.isAttachable,
  tags: [],
})

const localView = (policy: ManagedPolicyRecord): PolicyView => ({
  kind: 'local',
  policyName: policy.policyName,
  policyId: policy.policyId,
  arn: policy.arn,
  path: policy.path,
  defaultVersionId: policy.defaultVersionId,
  description: policy.description,
  createDate: policy.createDate,
  updateDate: policy.updateDate,
  isAttachable: true,
  tags: policy.tags,
})

/** AWS's answer to a PolicyArn that is not an ARN at all (recorded; note the two spaces). */
export function checkPolicyArn(policyArn: string): void {
  if (!parseArn(policyArn))
    throw new AwsError('ValidationError', 'Invalid ARN:  Could not be parsed!')
}

/** The customer policy with this ARN in the caller's account; other accounts' policies are unseen. */
async function findLocalPolicy(
  repo: IamRepository,
  accountId: string,
  policyArn: string,
): Promise<ManagedPolicyRecord | undefined> {
  const policy = await repo.getPolicy(policyArn)
  return policy && policy.accountId === accountId ? policy : undefined
}

/** The managed policy (AWS or the account's own) that `policyArn` names, if any. */
export async function findPolicy(
  repo: IamRepository,
  accountId: string,
  policyArn: string,
): Promise<PolicyView | undefined> {
  if (isAwsManagedPolicyArn(policyArn)) {
    const policy = awsManagedPolicy(policyArn)
    return policy && awsView(policy)
  }
  const policy = await findLocalPolicy(repo, accountId, policyArn)
  return policy && localView(policy)
}

export const policyNotFound = (policyArn: string) =>
  noSuchEntity(`Policy ${policyArn} was not found.`)

async function requirePolicy(
  repo: IamRepository,
  accountId: string,
  policyArn: string,
): Promise<PolicyView> {
  checkPolicyArn(policyArn)
  const policy = await findPolicy(repo, accountId, policyArn)
  if (!policy) throw policyNotFound(policyArn)
  return policy
}

/**
 * The customer policy a write targets. AWS managed policies belong to AWS's account, so a write to
 * one is refused the way IAM refuses any cross-account write to it.
 */
async function requireWritablePolicy(
  repo: IamRepository,
  accountId: string,
  caller: Caller,
  action: string,
  policyArn: string,
): Promise<ManagedPolicyRecord> {
  checkPolicyArn(policyArn)
  if (isAwsManagedPolicyArn(policyArn)) {
    if (!awsManagedPolicy(policyArn)) throw policyNotFound(policyArn)
    throw accessDenied(
      `User: ${caller.arn} is not authorized to perform: iam:${action} on resource: policy ${policyArn} because no resource-based policy allows the iam:${action} action`,
    )
  }
  const policy = await findLocalPolicy(repo, accountId, policyArn)
  if (!policy) throw policyNotFound(policyArn)
  return policy
}

/** How many entities of the account use each policy, as a permissions policy and as a boundary. */
export interface PolicyUsage {
  attachments: Map<string, number>
  boundaries: Map<string, number>
}

export async function policyUsage(repo: IamRepository, accountId: string): Promise<PolicyUsage> {
  const attachments = new Map<string, number>()
  for (const attachment of await repo.listAttachments(accountId)) {
    attachments.set(attachment.policyArn, (attachments.get(attachment.policyArn) ?? 0) + 1)
  }
  const boundaries = new Map<string, number>()
  const entities = [...(await repo.listUsers(accountId)), ...(await repo.listRoles(accountId))]
  for (const entity of entities) {
    const boundary = entity.permissionsBoundaryArn
    if (boundary !== null) boundaries.set(boundary, (boundaries.get(boundary) ?? 0) + 1)
  }
  return { attachments, boundaries }
}

/**
 * `full`: CreatePolicy and GetPolicy, with Description and Tags when set.
 * `listing`: ListPolicies, which AWS returns without them.
 * `detail`: GetAccountAuthorizationDetails' ManagedPolicyDetail, with Description but no Tags.
 */
export type PolicyElementView = 'full' | 'listing' | 'detail'

export function renderPolicy(
  policy: PolicyView,
  usage: PolicyUsage,
  view: PolicyElementView = 'full',
): ResultObject {
  const described = view !== 'listing' && policy.description !== null
  return {
    PolicyName: policy.policyName,
    PolicyId: policy.policyId,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersionId,
    AttachmentCount: usage.attachments.get(policy.arn) ?? 0,
    PermissionsBoundaryUsageCount: usage.boundaries.get(policy.arn) ?? 0,
    IsAttachable: policy.isAttachable,
    Description: described ? (policy.description ?? undefined) : undefined,
    CreateDate: policy.createDate,
    UpdateDate: policy.updateDate,
    Tags: view === 'full' ? optionalTags(policy.tags) : undefined,
  }
}

/** A policy version as the operations see it: AWS managed policies have only their default. */
export interface VersionView {
  versionId: string
  document: string
  isDefaultVersion: boolean
  createDate: Date
}

export async function listVersions(
  repo: IamRepository,
  policy: PolicyView,
): Promise<VersionView[]> {
  if (policy.kind === 'aws') {
    const catalogued = awsManagedPolicy(policy.arn)
    if (!catalogued) return []
    return [
      {
        versionId: catalogued.defaultVersionId,
        document: catalogued.document,
        isDefaultVersion: true,
        createDate: catalogued.versionCreateDate,
      },
    ]
  }
  const versions = await repo.listPolicyVersions(policy.arn)
  return versions.map((version: PolicyVersionRecord) => ({
    versionId: version.versionId,
    document: version.document,
    isDefaultVersion: version.versionId === policy.defaultVersionId,
    createDate: version.createDate,
  }))
}

/** `Document` only where AWS sends it (GetPolicyVersion, GetAccountAuthorizationDetails). */
export const renderVersion = (version: VersionView, withDocument: boolean): ResultObject => ({
  Document: withDocument ? encodePolicyDocument(version.document) : undefined,
  VersionId: version.versionId,
  IsDefaultVersion: version.isDefaultVersion,
  CreateDate: version.createDate,
})

const versionNotFound = (policyArn: string, id: string) =>
  noSuchEntity(`Policy ${policyArn} version ${id} does not exist or is not attachable.`)

/** Parses and sizes a managed policy document before anything is written. */
function checkManagedDocument(text: string): void {
  parsePolicy(text, 'managed')
  if (policySizeWithoutWhitespace(text) > MANAGED_POLICY_MAX_SIZE) {
    throw limitExceeded(`Cannot exceed quota for PolicySize: ${MANAGED_POLICY_MAX_SIZE}`)
  }
}

const policyArnInput = { PolicyArn: arn() }
const policyResource = (input: { PolicyArn: string }) => input.PolicyArn

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

const createPolicyVersion = defineOperation({
  name: 'CreatePolicyVersion',
  input: { PolicyArn: arn(), PolicyDocument: policyDocument(), SetAsDefault: optionalBoolean() },
  resource: policyResource,
  async run(input, { repo, accountId, caller, now }) {
    const policy = await requireWritablePolicy(
      repo,
      accountId,
      caller,
      'CreatePolicyVersion',
      input.PolicyArn,
    )
    checkManagedDocument(input.PolicyDocument)
    const versions = await repo.listPolicyVersions(policy.arn)
    if (versions.length >= MAX_POLICY_VERSIONS) {
      throw limitExceeded(
        `A managed policy can have up to ${MAX_POLICY_VERSIONS} versions. Before you create a new version, you must delete an existing version.`,
      )
    }
    const id = `v${policy.nextVersionNumber}`
    await repo.insertPolicyVersion({
      accountId,
      policyArn: policy.arn,
      versionId: id,
      document: input.PolicyDocument,
      createDate: now,
    })
    const setAsDefault = input.SetAsDefault ?? false
    await repo.updatePolicy({
      ...policy,
      nextVersionNumber: policy.nextVersionNumber + 1,
      defaultVersionId: setAsDefault ? id : policy.defaultVersionId,
      // AWS: with more than one version, UpdateDate is when the newest version was created.
      updateDate: now,
    })
    const version: VersionView = {
      versionId: id,
      document: input.PolicyDocument,
      isDefaultVersion: setAsDefault,
      createDate: now,
    }
    return { PolicyVersion: renderVersion(version, false) }
  },
})

const getPolicyVersion = defineOperation({
  name: 'GetPolicyVersion',
  input: { PolicyArn: arn(), VersionId: versionId() },
  resource: policyResource,
  readOnly: true,
  async run(input, { repo, accountId }) {
    checkPolicyArn(input.PolicyArn)
    const policy = await findPolicy(repo, accountId, input.PolicyArn)
    const versions = policy ? await listVersions(repo, policy) : []
    const version = versions.find((candidate) => candidate.versionId === input.VersionId)
    if (!version) throw versionNotFound(input.PolicyArn, input.VersionId)
    return { PolicyVersion: renderVersion(version, true) }
  },
})

const listPolicyVersions = defineOperation({
  name: 'ListPolicyVersions',
  input: { PolicyArn: arn(), ...pagingInput },
  resource: policyResource,
  readOnly: true,
  async run(input, { repo, accountId }) {
    const policy = await requirePolicy(repo, accountId, input.PolicyArn)
    // AWS lists the newest version first.
    const versions = (await listVersions(repo, policy)).reverse()
    return paginate(versions, input, 'Versions', (version) => renderVersion(version, false))
  },
})

const deletePolicyVersion = defineOperation({
  name: 'DeletePolicyVersion',
  input: { PolicyArn: arn(), VersionId: versionId() },
  resource: policyResource,
  async run(input, { repo, accountId, caller }) {
    const policy = await requireWritablePolicy(
      repo,
      accountId,
      caller,
      'DeletePolicyVersion',
      input.PolicyArn,
    )
    const version = await repo.getPolicyVersion(policy.arn, input.VersionId)
    if (!version) throw versionNotFound(input.PolicyArn, input.VersionId)
    if (version.versionId === policy.defaultVersionId) {
      throw deleteConflict('Cannot delete the default version of a policy.')
    }
    await repo.deletePolicyVersion(policy.arn, version.versionId)
    return undefined
  },
})

const setDefaultPolicyVersion = defineOperation({
  name: 'SetDefaultPolicyVersion',
  input: { PolicyArn: arn(), VersionId: versionId() },
  resource: policyResource,
  async run(input, { repo, accountId, caller }) {
    const policy = await requireWritablePolicy(
      repo,
      accountId,
      caller,
      'SetDefaultPolicyVersion',
      input.PolicyArn,
    )
    const version = await repo.getPolicyVersion(policy.arn, input.VersionId)
    if (!version) throw versionNotFound(input.PolicyArn, input.VersionId)
    await repo.updatePolicy({ ...policy, defaultVersionId: version.versionId })
    return undefined
  },
})

export const managedPolicyOperations: IamOperation[] = [
  createPolicy,
  getPolicy,
  listPolicies,
  deletePolicy,
  createPolicyVersion,
  getPolicyVersion,
  listPolicyVersions,
  deletePolicyVersion,
  setDefaultPolicyVersion,
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
