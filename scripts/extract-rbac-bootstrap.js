// Writes src/kubernetes/rbac/bootstrap-policy.json: the default ClusterRoles and
// ClusterRoleBindings a kube-apiserver creates, from upstream's bootstrap-policy golden files in
// ../shared/corpora/kubernetes/rbac-bootstrap (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/
// testdata). The corpus's bindings file is older than its roles file; the two bindings newer
// releases add for roles the roles file already has are added here (NEWER_BINDINGS), and
// `creationTimestamp: null`, which newer releases no longer print, is dropped.
// Usage: node scripts/extract-rbac-bootstrap.js [corpus-folder] [output-file]
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as prettier from 'prettier'
import { parse } from 'yaml'

const RBAC = 'rbac.authorization.k8s.io'
const BOOTSTRAP_METADATA = {
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
}

const groupBinding = (name, group) => ({
  apiVersion: `${RBAC}/v1`,
  kind: 'ClusterRoleBinding',
  metadata: { ...BOOTSTRAP_METADATA, name },
  roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name },
  subjects: [{ apiGroup: RBAC, kind: 'Group', name: group }],
})

/**
 * Bindings of the current bootstrap policy (policy.go clusterRoleBindings: system:monitoring to
 * user.MonitoringGroup, system:service-account-issuer-discovery to
 * serviceaccount.AllServiceAccountsGroup) missing from the corpus's older bindings file; as
 * printed in a current testdata/cluster-role-bindings.yaml (openshift/kubernetes 95e062fd).
 */
export const NEWER_BINDINGS = [
  groupBinding('system:monitoring', 'system:monitoring'),
  groupBinding('system:service-account-issuer-discovery', 'system:serviceaccounts'),
]

function fail(why) {
  throw new Error(`rbac-bootstrap: ${why}`)
}

/** The items of a `kind: List` document, each of the one kind expected, without creationTimestamp. */
function listItems(text, kind) {
  const list = parse(text)
  if (list?.kind !== 'List' || !Array.isArray(list.items)) fail(`not a List of ${kind}`)
  return list.items.map((item) => {
    if (item.kind !== kind || item.apiVersion !== `${RBAC}/v1`) fail(`unexpected ${item.kind}`)
    if (typeof item.metadata?.name !== 'string') fail(`a ${kind} without a name`)
    const { creationTimestamp, ...metadata } = item.metadata
    if (creationTimestamp !== undefined && creationTimestamp !== null) {
      fail(`${item.metadata.name} has a creationTimestamp`)
    }
    return { ...item, metadata }
  })
}

const byName = (a, b) =>
  a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0

/** The data file's content from the corpus's two files. */
export function deriveBootstrapPolicy(clusterRolesYaml, clusterRoleBindingsYaml) {
  const clusterRoles = listItems(clusterRolesYaml, 'ClusterRole')
  const fromCorpus = listItems(clusterRoleBindingsYaml, 'ClusterRoleBinding')
  const roleNames = new Set(clusterRoles.map((role) => role.metadata.name))
  for (const added of NEWER_BINDINGS) {
    if (fromCorpus.some((binding) => binding.metadata.name === added.metadata.name)) {
      fail(`${added.metadata.name} is in the corpus already: drop it from NEWER_BINDINGS`)
    }
    if (!roleNames.has(added.roleRef.name)) fail(`no ClusterRole ${added.roleRef.name}`)
  }
  const clusterRoleBindings = [...fromCorpus, ...NEWER_BINDINGS].sort(byName)
  return {
    source:
      'kubernetes/kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata via ' +
      '../shared/corpora/kubernetes/rbac-bootstrap (cluster-roles.yaml at 025f2834, ' +
      'cluster-role-bindings.yaml at c60df899), with the bindings system:monitoring and ' +
      'system:service-account-issuer-discovery of newer releases; written by ' +
      'scripts/extract-rbac-bootstrap.js',
    clusterRoles,
    clusterRoleBindings,
  }
}

/** The JSON text the data file holds, formatted as the repository's Prettier settings want it. */
export async function bootstrapPolicyJson(policy, file) {
  const options = (await prettier.resolveConfig(file)) ?? {}
  return prettier.format(JSON.stringify(policy), { ...options, parser: 'json' })
}

async function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
  const corpus = resolve(
    process.argv[2] ?? resolve(root, '../shared/corpora/kubernetes/rbac-bootstrap'),
  )
  const output = resolve(
    process.argv[3] ?? resolve(root, 'src/kubernetes/rbac/bootstrap-policy.json'),
  )
  const policy = deriveBootstrapPolicy(
    readFileSync(resolve(corpus, 'cluster-roles.yaml'), 'utf8'),
    readFileSync(resolve(corpus, 'cluster-role-bindings.yaml'), 'utf8'),
  )
  writeFileSync(output, await bootstrapPolicyJson(policy, output))
  console.log(
    `wrote ${policy.clusterRoles.length} ClusterRoles and ` +
      `${policy.clusterRoleBindings.length} ClusterRoleBindings to ${output}`,
  )
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main()
