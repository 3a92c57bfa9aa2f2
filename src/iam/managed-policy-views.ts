// A managed policy as the operations see it, whichever side it lives on (AWS's catalogue or the
// account's own): finding one by ARN, how many entities use it, and how it and its versions render.
import { parseArn } from '../core/arn.js'
import type { Caller } from '../core/caller.js'
import { AwsError, accessDenied, noSuchEntity } from '../core/errors.js'
import type { ResultObject } from '../core/result.js'
import type { ManagedPolicyRecord, PolicyUses, PolicyVersionRecord, Tag } from '../store/ports.js'
import type { Repositories } from '../store/repositories.js'
import type { AwsManagedPolicy } from './aws-managed-policies.js'
import { awsManagedPolicy, isAwsManagedPolicyArn } from './aws-managed-policies.js'
import { encodePolicyDocument } from './render.js'
import { optionalTags } from './tags.js'

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

export const awsView = (policy: AwsManagedPolicy): PolicyView => ({
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

export const localView = (policy: ManagedPolicyRecord): PolicyView => ({
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
  repo: Repositories,
  accountId: string,
  policyArn: string,
): Promise<ManagedPolicyRecord | undefined> {
  const policy = await repo.policies.get(policyArn)
  return policy && policy.accountId === accountId ? policy : undefined
}

/** The managed policy (AWS or the account's own) that `policyArn` names, if any. */
export async function findPolicy(
  repo: Repositories,
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

export async function requirePolicy(
  repo: Repositories,
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
export async function requireWritablePolicy(
  repo: Repositories,
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

/**
 * `full`: CreatePolicy and GetPolicy, with Description and Tags when set.
 * `listing`: ListPolicies, which AWS returns without them.
 * `detail`: GetAccountAuthorizationDetails' ManagedPolicyDetail, with Description but no Tags.
 */
export type PolicyElementView = 'full' | 'listing' | 'detail'

export function renderPolicy(
  policy: PolicyView,
  usage: PolicyUses,
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

export async function listVersions(repo: Repositories, policy: PolicyView): Promise<VersionView[]> {
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
  const versions = await repo.policies.listVersions(policy.arn)
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
