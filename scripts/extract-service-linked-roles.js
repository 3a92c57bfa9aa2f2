// Writes src/iam/service-linked-roles.json: the services rolegate accepts in CreateServiceLinkedRole,
// each with the role name AWS gives, whether it takes a CustomSuffix and the managed policies AWS
// attaches, derived from LocalStack's recordings against AWS (aws-shapes test_iam.snapshot.json,
// class TestIAMServiceRoles). It fails loudly on any record that does not fit the shape it knows.
// Usage: node scripts/extract-service-linked-roles.js [snapshot-file] [output-file]
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as prettier from 'prettier'

const CLASS = 'tests/aws/services/iam/test_iam.py::TestIAMServiceRoles::'
const ACCOUNT = '111111111111'
const SUFFIX = '<suffix>'

/** The trust policy AWS writes for every recorded service-linked role. */
export const trustPolicyFor = (service) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
})

const sameJson = (a, b) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  )
}

function fail(test, why) {
  throw new Error(`${test}: ${why}`)
}

/** The role a lifecycle record describes, checked against the shape every service shares. */
function recordedRole(test, content, service) {
  const role = content['describe-response']?.Role
  if (!role) fail(test, 'no describe-response')
  const path = `/aws-service-role/${service}/`
  if (role.Path !== path) fail(test, `path ${role.Path}`)
  const arn = `arn:<partition>:iam::${ACCOUNT}:role${path}${role.RoleName}`
  if (role.Arn !== arn) fail(test, `ARN ${role.Arn}`)
  if (role.MaxSessionDuration !== 3600) fail(test, `MaxSessionDuration ${role.MaxSessionDuration}`)
  if (!sameJson(role.AssumeRolePolicyDocument, trustPolicyFor(service))) {
    fail(test, `trust policy ${JSON.stringify(role.AssumeRolePolicyDocument)}`)
  }
  if ((content['inline-role-policies']?.PolicyNames ?? []).length !== 0)
    fail(test, 'inline policies')
  const policies = (content['attached-role-policies']?.AttachedPolicies ?? []).map((policy) => {
    const arn = policy.PolicyArn.replace('arn:<partition>:', 'arn:aws:')
    if (!arn.endsWith(`/${policy.PolicyName}`)) fail(test, `policy ${arn}`)
    return arn
  })
  return { roleName: role.RoleName, policies }
}

/** The data file's entries, one per recorded service, sorted by service principal. */
export function deriveServiceLinkedRoles(snapshot) {
  const byService = new Map()
  const entry = (service) => {
    if (!byService.has(service)) byService.set(service, { service })
    return byService.get(service)
  }
  for (const [key, record] of Object.entries(snapshot)) {
    if (!key.startsWith(CLASS)) continue
    const test = key.slice(CLASS.length)
    const match = /^(\w+)\[(.+)\]$/.exec(test)
    if (!match) continue
    const [, kind, service] = match
    const content = record['recorded-content']
    if (kind === 'test_service_role_lifecycle') {
      Object.assign(entry(service), recordedRole(test, content, service))
    } else if (kind === 'test_service_role_lifecycle_custom_suffix') {
      const { roleName, policies } = recordedRole(test, content, service)
      if (!roleName.endsWith(`_${SUFFIX}`)) fail(test, `suffixed name ${roleName}`)
      Object.assign(entry(service), {
        suffixedName: roleName.slice(0, -SUFFIX.length - 1),
        suffixedPolicies: policies,
        customSuffix: true,
      })
    } else if (kind === 'test_service_role_lifecycle_custom_suffix_not_allowed') {
      const error = content['custom-suffix-not-allowed']?.Error
      const expected = `Custom suffix is not allowed for ${service}`
      if (error?.Code !== 'InvalidInput' || error.Message !== expected) {
        fail(test, `refusal ${JSON.stringify(error)}`)
      }
      entry(service).customSuffix = false
    } else {
      fail(test, 'an unknown kind of record')
    }
  }
  const services = [...byService.values()].sort((a, b) =>
    a.service < b.service ? -1 : a.service > b.service ? 1 : 0,
  )
  return services.map((found) => {
    if (found.roleName === undefined) fail(found.service, 'no lifecycle record')
    if (found.customSuffix === undefined) fail(found.service, 'no record of its suffix rule')
    if (found.suffixedName !== undefined) {
      if (found.suffixedName !== found.roleName) fail(found.service, 'suffixed name differs')
      if (!sameJson(found.suffixedPolicies, found.policies)) fail(found.service, 'policies differ')
    }
    return {
      service: found.service,
      roleName: found.roleName,
      customSuffix: found.customSuffix,
      policies: found.policies,
    }
  })
}

/** The JSON text the data file holds, formatted as the repository's Prettier settings want it. */
export async function serviceLinkedRolesJson(entries, file) {
  const options = (await prettier.resolveConfig(file)) ?? {}
  return prettier.format(JSON.stringify(entries), { ...options, parser: 'json' })
}

async function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  const input = resolve(
    process.argv[2] ?? resolve(root, '../shared/corpora/aws-shapes/iam/test_iam.snapshot.json'),
  )
  const output = resolve(process.argv[3] ?? resolve(root, 'src/iam/service-linked-roles.json'))
  const entries = deriveServiceLinkedRoles(JSON.parse(readFileSync(input, 'utf8')))
  writeFileSync(output, await serviceLinkedRolesJson(entries, output))
  console.log(`wrote ${entries.length} service-linked role services to ${output}`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
