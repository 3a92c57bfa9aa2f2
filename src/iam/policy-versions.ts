// A customer managed policy's versions: the document checks every version passes, and
// CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions, DeletePolicyVersion and
// SetDefaultPolicyVersion (AWS managed policies show their one default version).
import { deleteConflict, limitExceeded, noSuchEntity } from '../core/errors.js'
import type { Pattern } from '../core/input.js'
import { optionalBoolean, requiredString } from '../core/input.js'
import { parsePolicy, policySizeWithoutWhitespace } from '../policy/parse-policy.js'
import {
  checkPolicyArn,
  findPolicy,
  listVersions,
  renderVersion,
  requirePolicy,
  requireWritablePolicy,
} from './managed-policy-views.js'
import type { VersionView } from './managed-policy-views.js'
import { arn, policyDocument } from './names.js'
import type { IamOperation } from './operation.js'
import { defineOperation } from './operation.js'
import { paginate, pagingInput } from './pagination.js'

export const MANAGED_POLICY_MAX_SIZE = 6144
export const MAX_POLICY_VERSIONS = 5

const VERSION_ID: Pattern = {
  regex: /^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?$/,
  text: 'v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?',
}
const versionId = () => requiredString({ pattern: VERSION_ID })

/** Policy calls are authorised against the policy's ARN. */
export const policyResource = (input: { PolicyArn: string }) => input.PolicyArn

const versionNotFound = (policyArn: string, id: string) =>
  noSuchEntity(`Policy ${policyArn} version ${id} does not exist or is not attachable.`)

/** Parses and sizes a managed policy document before anything is written. */
export function checkManagedDocument(text: string): void {
  parsePolicy(text, 'managed')
  if (policySizeWithoutWhitespace(text) > MANAGED_POLICY_MAX_SIZE) {
    throw limitExceeded(`Cannot exceed quota for PolicySize: ${MANAGED_POLICY_MAX_SIZE}`)
  }
}

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
    const versions = await repo.policies.listVersions(policy.arn)
    if (versions.length >= MAX_POLICY_VERSIONS) {
      throw limitExceeded(
        `A managed policy can have up to ${MAX_POLICY_VERSIONS} versions. Before you create a new version, you must delete an existing version.`,
      )
    }
    const id = `v${policy.nextVersionNumber}`
    await repo.policies.insertVersion({
      accountId,
      policyArn: policy.arn,
      versionId: id,
      document: input.PolicyDocument,
      createDate: now,
    })
    const setAsDefault = input.SetAsDefault ?? false
    await repo.policies.update({
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
  store: 'read',
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
  store: 'read',
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
    const version = await repo.policies.getVersion(policy.arn, input.VersionId)
    if (!version) throw versionNotFound(input.PolicyArn, input.VersionId)
    if (version.versionId === policy.defaultVersionId) {
      throw deleteConflict('Cannot delete the default version of a policy.')
    }
    await repo.policies.deleteVersion(policy.arn, version.versionId)
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
    const version = await repo.policies.getVersion(policy.arn, input.VersionId)
    if (!version) throw versionNotFound(input.PolicyArn, input.VersionId)
    await repo.policies.update({ ...policy, defaultVersionId: version.versionId })
    return undefined
  },
})

export const policyVersionOperations: IamOperation[] = [
  createPolicyVersion,
  getPolicyVersion,
  listPolicyVersions,
  deletePolicyVersion,
  setDefaultPolicyVersion,
]
