// Every fixture pod of amazon-eks-pod-identity-webhook's handler tests
// (../shared/corpora/kubernetes/pod-identity-webhook/testdata, commit 3bf80a34), under the
// harness's annotation protocol (pkg/handler/handler_pod_test.go, the corpus README): the pod's
// `testing.eks.amazonaws.com/...` annotations set up the ServiceAccount default/default, the
// webhook's flags and container credentials, and `expectedPatch` is upstream's answer. Upstream
// replaces whole container lists where rolegate only adds, so the two patches are compared by
// what they make of the pod: each applied with fast-json-patch, both results decoded as Go's
// corev1.Pod decodes them (test/support/decoded-pod.ts), then deep-equal.
import assert from 'node:assert/strict'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, test } from 'node:test'
import fastJsonPatch from 'fast-json-patch'
import type { Operation } from 'fast-json-patch'
import { parse } from 'yaml'
import { decidePatch, podPatch, readPod } from '../../../src/kubernetes/pod-identity/index.js'
import type {
  ContainerCredentials,
  WebhookSettings,
} from '../../../src/kubernetes/pod-identity/index.js'
import type { ServiceAccount } from '../../../src/kubernetes/objects.js'
import { decodedPod } from '../../support/decoded-pod.js'
import { corpus } from '../../support/requirements.js'

const FIXTURES = corpus('kubernetes/pod-identity-webhook/testdata')
const T = 'testing.eks.amazonaws.com/'

interface FixturePod {
  apiVersion: string
  kind: string
  metadata: { name: string; annotations: Record<string, string> }
  spec: Record<string, unknown>
}

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) return fixtureFiles(path)
      return name.endsWith('.yaml') ? [path] : []
    })
    .sort()
}

/** buildFakeCacheFromPod: the ServiceAccount default/default the harness sets up. */
function serviceAccountOf(annotations: Record<string, string>): ServiceAccount {
  const own: Record<string, string> = {}
  const copy = (from: string[], to: string) => {
    const found = from.find((key) => annotations[T + key] !== undefined)
    if (found !== undefined) own[to] = annotations[T + found] ?? ''
  }
  copy(['serviceAccount/roleArn'], 'eks.amazonaws.com/role-arn')
  copy(['serviceAccount/audience'], 'eks.amazonaws.com/audience')
  copy(
    ['serviceAccount/sts-regional-endpoints', 'handler/injectSTS'],
    'eks.amazonaws.com/sts-regional-endpoints',
  )
  copy(
    ['serviceAccount/token-expiration', 'handler/expiration'],
    'eks.amazonaws.com/token-expiration',
  )
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: 'default', namespace: 'default', annotations: own },
  }
}

/** buildModifierFromPod: the webhook's flags (regional STS off by default) and fakes. */
function settingsOf(annotations: Record<string, string>): WebhookSettings {
  const account = serviceAccountOf(annotations)
  const uri = annotations[`${T}containercredentials/uri`]
  const credentials: ContainerCredentials | undefined =
    uri === undefined || uri === ''
      ? undefined
      : {
          fullUri: uri,
          audience: annotations[`${T}containercredentials/audience`] ?? '',
          mountPath: annotations[`${T}containercredentials/mountPath`] ?? '',
          volumeName: annotations[`${T}containercredentials/volumeName`] ?? '',
          tokenPath: annotations[`${T}containercredentials/tokenPath`] ?? '',
        }
  return {
    region: annotations[`${T}handler/region`],
    mountPath: annotations[`${T}handler/mountPath`],
    regionalSts: false,
    serviceAccount: (namespace, name) =>
      namespace === 'default' && name === 'default' ? account : undefined,
    containerCredentials: (namespace, name) =>
      namespace === 'default' && name === 'default' ? credentials : undefined,
    // The harness's random source always answers 0.
    randomInt: () => 0,
  }
}

const applied = (pod: FixturePod, patch: readonly unknown[]) =>
  fastJsonPatch.applyPatch(structuredClone(pod), structuredClone(patch) as Operation[], true)
    .newDocument as unknown as Record<string, unknown>

describe('amazon-eks-pod-identity-webhook fixtures', { skip: FIXTURES.skip }, () => {
  const files = FIXTURES.skip ? [] : fixtureFiles(FIXTURES.path)

  test('the corpus holds the 24 upstream fixture pods', () => {
    assert.equal(files.length, 24)
  })

  for (const file of files) {
    const name = relative(FIXTURES.path, file)
    test(name, () => {
      // sigs.k8s.io/yaml lets a later duplicate key win (rawPodWithInitContainer has one).
      const pod = parse(readFileSync(file, 'utf8'), { uniqueKeys: false }) as FixturePod
      const annotations = pod.metadata.annotations
      assert.equal(annotations[`${T}skip`], 'false')
      // The harness puts every pod in default with the service account default.
      pod.spec['serviceAccountName'] = 'default'
      const expected = JSON.parse(annotations[`${T}expectedPatch`] ?? '[]') as unknown[]

      const view = readPod(pod)
      const decision = decidePatch(view, 'default', settingsOf(annotations))
      assert.ok(decision.mutate, 'every fixture is mutated')
      const patch = podPatch(view, decision.config)

      assert.deepEqual(decodedPod(applied(pod, patch)), decodedPod(applied(pod, expected)))
      // Only additions, each path a valid pointer into the pod as it was (validated by apply).
      assert.ok(patch.every((operation) => operation.op === 'add'))
    })
  }
})
