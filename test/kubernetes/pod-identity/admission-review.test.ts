// The mutating webhook's AdmissionReview exchange, socket-free, against one cluster snapshot, as
// EKS runs the webhook (the cluster's region, regional STS endpoints on). Expected pods follow
// the upstream README's "EKS Walkthrough" (step 4: the env, the read-only mount, the projected
// `aws-iam-token` volume) and admission/v1's AdmissionResponse (uid echoed, `patchType:
// JSONPatch`, the patch as base64 bytes); the corpus's hack/request.json is sent as it is.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import fastJsonPatch from 'fast-json-patch'
import type { Operation } from 'fast-json-patch'
import {
  clusterMutationSettings,
  jsonPointer,
  reviewPodAdmission,
} from '../../../src/kubernetes/pod-identity/index.js'
import type {
  AdmissionReviewAnswer,
  MutationSettings,
  WebhookAnswer,
} from '../../../src/kubernetes/pod-identity/index.js'
import type { ClusterObject, ClusterSnapshot } from '../../../src/kubernetes/objects.js'
import { corpus } from '../../support/requirements.js'

const ROLE = 'arn:aws:iam::111122223333:role/s3-reader'
const TOKEN_FILE = '/var/run/secrets/eks.amazonaws.com/serviceaccount/token'
const MOUNT = '/var/run/secrets/eks.amazonaws.com/serviceaccount'
const REQUEST_JSON = corpus('kubernetes/pod-identity-webhook/request.json')

const namespace = (name: string): ClusterObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
})

const serviceAccount = (
  ns: string,
  name: string,
  annotations: Record<string, string> = {},
): ClusterObject => ({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  metadata: { name, namespace: ns, uid: `uid-${name}`, annotations },
})

function snapshotOf(...objects: ClusterObject[]): ClusterSnapshot {
  return {
    cluster: {
      accountId: '111122223333',
      name: 'prod',
      id: '0123456789ABCDEF0123456789ABCDEF',
      arn: 'arn:aws:eks:eu-west-3:111122223333:cluster/prod',
      region: 'eu-west-3',
      issuerName: 'eks-0123456789ABCDEF0123456789ABCDEF',
      createdAt: new Date('2025-01-01T00:00:00Z'),
    },
    objects: [namespace('default'), namespace('demo-namespace'), namespace('empty'), ...objects],
  }
}

const SNAPSHOT = snapshotOf(
  serviceAccount('demo-namespace', 'app', { 'eks.amazonaws.com/role-arn': ROLE }),
  serviceAccount('demo-namespace', 'plain'),
  serviceAccount('default', 'default', { 'eks.amazonaws.com/role-arn': ROLE }),
)
const SETTINGS = clusterMutationSettings(SNAPSHOT)

type Pod = Record<string, unknown> & { spec: Record<string, unknown> }

const pod = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', ...metadata },
  spec: { containers: [{ name: 'app', image: 'amazonlinux' }], ...spec },
})

const review = (
  object: unknown,
  overrides: Record<string, unknown> = {},
  apiVersion = 'admission.k8s.io/v1',
) => ({
  apiVersion,
  kind: 'AdmissionReview',
  request: {
    uid: '705ab4f5-6393-11e8-b7cc-42010a800002',
    kind: { group: '', version: 'v1', kind: 'Pod' },
    resource: { group: '', version: 'v1', resource: 'pods' },
    namespace: 'demo-namespace',
    operation: 'CREATE',
    object,
    ...overrides,
  },
})

function reviewed(body: unknown, settings: MutationSettings = SETTINGS): AdmissionReviewAnswer {
  const answer = reviewPodAdmission(body, settings)
  assert.equal(answer.status, 200, JSON.stringify(answer.body))
  return answer.body as AdmissionReviewAnswer
}

/** The pod with the answer's base64 patch applied (fast-json-patch validates every operation). */
function patched(object: unknown, answer: AdmissionReviewAnswer): Pod {
  const { response } = answer
  assert.equal(response.allowed, true)
  assert.equal(response.patchType, 'JSONPatch')
  const patch = JSON.parse(
    Buffer.from(response.patch ?? '', 'base64').toString('utf8'),
  ) as Operation[]
  return fastJsonPatch.applyPatch(structuredClone(object), patch, true).newDocument as Pod
}

const containers = (p: Pod, list = 'containers') =>
  p.spec[list] as Array<{
    name: string
    env?: Array<{ name: string; value: string }>
    volumeMounts?: Array<{ name: string; readOnly?: boolean; mountPath: string }>
  }>

const envOf = (container: { env?: Array<{ name: string; value: string }> }) =>
  Object.fromEntries((container.env ?? []).map((entry) => [entry.name, entry.value]))

describe('a pod whose service account carries eks.amazonaws.com/role-arn', () => {
  test('v1: env, read-only mount in every container and init container, projected volume', () => {
    const object = pod({
      serviceAccountName: 'app',
      initContainers: [{ name: 'init', image: 'busybox' }],
      containers: [
        { name: 'app', image: 'amazonlinux' },
        { name: 'sidecar', image: 'envoy' },
      ],
    })
    const answer = reviewed(review(object))
    assert.equal(answer.apiVersion, 'admission.k8s.io/v1')
    assert.equal(answer.kind, 'AdmissionReview')
    assert.equal(answer.response.uid, '705ab4f5-6393-11e8-b7cc-42010a800002')
    const result = patched(object, answer)
    for (const container of [...containers(result), ...containers(result, 'initContainers')]) {
      assert.deepEqual(envOf(container), {
        AWS_STS_REGIONAL_ENDPOINTS: 'regional',
        AWS_DEFAULT_REGION: 'eu-west-3',
        AWS_REGION: 'eu-west-3',
        AWS_ROLE_ARN: ROLE,
        AWS_WEB_IDENTITY_TOKEN_FILE: TOKEN_FILE,
      })
      assert.deepEqual(container.volumeMounts, [
        { name: 'aws-iam-token', readOnly: true, mountPath: MOUNT },
      ])
    }
    assert.deepEqual(result.spec['volumes'], [
      {
        name: 'aws-iam-token',
        projected: {
          sources: [
            {
              serviceAccountToken: {
                audience: 'sts.amazonaws.com',
                expirationSeconds: 86400,
                path: 'token',
              },
            },
          ],
        },
      },
    ])
  })

  test('v1beta1 is answered in v1beta1', () => {
    const object = pod({ serviceAccountName: 'app' })
    const answer = reviewed(review(object, {}, 'admission.k8s.io/v1beta1'))
    assert.equal(answer.apiVersion, 'admission.k8s.io/v1beta1')
    assert.equal(answer.response.uid, '705ab4f5-6393-11e8-b7cc-42010a800002')
    assert.equal(
      envOf(containers(patched(object, answer))[0] ?? { name: '' })['AWS_ROLE_ARN'],
      ROLE,
    )
  })

  test("the service account's audience, lifetime (at least 600) and regional STS switch", () => {
    const snapshot = snapshotOf(
      serviceAccount('demo-namespace', 'app', {
        'eks.amazonaws.com/role-arn': ROLE,
        'eks.amazonaws.com/audience': 'vault.example.com',
        'eks.amazonaws.com/token-expiration': '300',
        'eks.amazonaws.com/sts-regional-endpoints': 'false',
      }),
    )
    const object = pod({ serviceAccountName: 'app' })
    const result = patched(object, reviewed(review(object), clusterMutationSettings(snapshot)))
    const env = envOf(containers(result)[0] ?? { name: '' })
    assert.equal(env['AWS_STS_REGIONAL_ENDPOINTS'], undefined)
    assert.equal(env['AWS_ROLE_ARN'], ROLE)
    const volume = (result.spec['volumes'] as Array<{ projected: { sources: unknown[] } }>)[0]
    assert.deepEqual(volume?.projected.sources, [
      {
        serviceAccountToken: {
          audience: 'vault.example.com',
          expirationSeconds: 600,
          path: 'token',
        },
      },
    ])
  })

  test("the pod's own token-expiration wins; existing env and mounts are never overwritten", () => {
    const object = pod(
      {
        serviceAccountName: 'app',
        volumes: [{ name: 'scratch', emptyDir: {} }],
        containers: [
          {
            name: 'app',
            image: 'amazonlinux',
            env: [
              { name: 'AWS_REGION', value: 'us-west-2' },
              { name: 'AWS_ROLE_ARN', value: 'arn:aws:iam::111122223333:role/mine' },
            ],
            volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
          },
        ],
      },
      { annotations: { 'eks.amazonaws.com/token-expiration': '3600' } },
    )
    const result = patched(object, reviewed(review(object)))
    const [app] = containers(result)
    assert.deepEqual(app?.env, [
      { name: 'AWS_REGION', value: 'us-west-2' },
      { name: 'AWS_ROLE_ARN', value: 'arn:aws:iam::111122223333:role/mine' },
      { name: 'AWS_STS_REGIONAL_ENDPOINTS', value: 'regional' },
    ])
    assert.deepEqual(app?.volumeMounts, [
      { name: 'scratch', mountPath: '/scratch' },
      { name: 'aws-iam-token', readOnly: true, mountPath: MOUNT },
    ])
    const volumes = result.spec['volumes'] as Array<{ name: string; projected?: unknown }>
    assert.deepEqual(
      volumes.map((volume) => volume.name),
      ['aws-iam-token', 'scratch'],
    )
    assert.match(JSON.stringify(volumes[0]), /"expirationSeconds":3600/)
  })

  test('skip-containers leaves the named containers alone', () => {
    const object = pod(
      {
        serviceAccountName: 'app',
        initContainers: [{ name: 'init-first', image: 'busybox' }],
        containers: [
          { name: 'sidecar', image: 'envoy' },
          { name: 'app', image: 'amazonlinux' },
        ],
      },
      { annotations: { 'eks.amazonaws.com/skip-containers': 'init-first,sidecar' } },
    )
    const result = patched(object, reviewed(review(object)))
    assert.deepEqual(containers(result, 'initContainers'), [
      { name: 'init-first', image: 'busybox' },
    ])
    assert.deepEqual(containers(result)[0], { name: 'sidecar', image: 'envoy' })
    assert.equal(envOf(containers(result)[1] ?? { name: '' })['AWS_ROLE_ARN'], ROLE)
  })

  test('Windows pods get the token file as a Windows path, the mount as it is', () => {
    for (const key of ['kubernetes.io/os', 'beta.kubernetes.io/os']) {
      const object = pod({ serviceAccountName: 'app', nodeSelector: { [key]: 'windows' } })
      const [app] = containers(patched(object, reviewed(review(object))))
      assert.equal(
        envOf(app ?? { name: '' })['AWS_WEB_IDENTITY_TOKEN_FILE'],
        'C:\\var\\run\\secrets\\eks.amazonaws.com\\serviceaccount\\token',
      )
      assert.equal(app?.volumeMounts?.[0]?.mountPath, MOUNT)
    }
  })

  test('a pod already mutated is allowed with no patch', () => {
    const object = pod({ serviceAccountName: 'app' })
    const once = patched(object, reviewed(review(object)))
    const again = reviewed(review(once))
    assert.equal(again.response.allowed, true)
    assert.equal(again.response.patch, undefined)
    assert.equal(again.response.patchType, undefined)
  })

  test('a role ARN on the pod itself counts when its service account has none', () => {
    const object = pod(
      { serviceAccountName: 'plain' },
      { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111122223333:role/pod-own' } },
    )
    const [app] = containers(patched(object, reviewed(review(object))))
    assert.equal(
      envOf(app ?? { name: '' })['AWS_ROLE_ARN'],
      'arn:aws:iam::111122223333:role/pod-own',
    )
  })

  test(
    'the corpus request.json (no apiVersion; existing volumes) gets the base64 JSON Patch',
    {
      skip: REQUEST_JSON.skip,
    },
    () => {
      const body = JSON.parse(readFileSync(REQUEST_JSON.path, 'utf8')) as {
        request: { object: Pod; uid: string }
      }
      const answer = reviewed(body)
      assert.equal(answer.response.uid, body.request.uid)
      const patch = JSON.parse(
        Buffer.from(answer.response.patch ?? '', 'base64').toString(),
      ) as Operation[]
      assert.ok(patch.some((operation) => operation.path === '/spec/volumes/0'))
      const result = patched(body.request.object, answer)
      const [container] = containers(result)
      assert.equal(envOf(container ?? { name: '' })['AWS_WEB_IDENTITY_TOKEN_FILE'], TOKEN_FILE)
      assert.deepEqual(
        container?.volumeMounts?.map((mount) => mount.name),
        ['scratch', 'aws-iam-token'],
      )
    },
  )
})

describe('pods that get nothing are allowed unchanged, and say why', () => {
  const unchanged = (answer: AdmissionReviewAnswer) => {
    assert.equal(answer.response.allowed, true)
    assert.equal(answer.response.patch, undefined)
    assert.equal(answer.response.uid, '705ab4f5-6393-11e8-b7cc-42010a800002')
    return answer.response
  }

  test('a service account without the annotation: no warning', () => {
    const response = unchanged(reviewed(review(pod({ serviceAccountName: 'plain' }))))
    assert.equal(response.warnings, undefined)
    assert.match(response.status?.message ?? '', /has no eks\.amazonaws\.com\/role-arn annotation/)
  })

  test('a pod with no service account is the namespace default one, which rolegate lacks', () => {
    const response = unchanged(reviewed(review(pod({}))))
    assert.deepEqual(response.warnings, [
      'cluster prod has no ServiceAccount "default" in namespace "demo-namespace" in rolegate: the pod gets no AWS identity',
    ])
  })

  test('a namespace with no service accounts, and a namespace the cluster lacks', () => {
    assert.match(
      unchanged(reviewed(review(pod({ serviceAccountName: 'app' }), { namespace: 'empty' })))
        .warnings?.[0] ?? '',
      /no ServiceAccount "app" in namespace "empty"/,
    )
    assert.match(
      unchanged(reviewed(review(pod({ serviceAccountName: 'app' }), { namespace: 'nowhere' })))
        .warnings?.[0] ?? '',
      /has no namespace "nowhere" in rolegate/,
    )
  })

  test('not a Pod, a subresource, or not a CREATE', () => {
    const deployment = review(
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { kind: { group: 'apps', version: 'v1', kind: 'Deployment' } },
    )
    assert.match(
      unchanged(reviewed(deployment)).status?.message ?? '',
      /not a Pod but apps\/v1 Deployment/,
    )
    unchanged(reviewed(review(pod({ serviceAccountName: 'app' }), { subResource: 'status' })))
    unchanged(reviewed(review(pod({ serviceAccountName: 'app' }), { operation: 'UPDATE' })))
    unchanged(reviewed(review(undefined, { operation: 'DELETE' })))
  })
})

describe('bodies that are no AdmissionReview: a 400 Status, never a throw', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['a JSON array', [], /not a JSON object/],
    ['a string', 'AdmissionReview', /not a JSON object/],
    ['no kind', { apiVersion: 'admission.k8s.io/v1' }, /Object 'Kind' is missing/],
    [
      'a TokenReview',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview' },
      /takes AdmissionReview/,
    ],
    [
      'an unknown version',
      { apiVersion: 'admission.k8s.io/v2', kind: 'AdmissionReview' },
      /not AdmissionReview in admission\.k8s\.io\/v2/,
    ],
    [
      'no request',
      { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' },
      /has no request/,
    ],
    [
      'no uid',
      { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: {} },
      /has no uid/,
    ],
  ]
  for (const [name, body, message] of cases) {
    test(name, () => {
      const answer: WebhookAnswer = reviewPodAdmission(body, SETTINGS)
      assert.equal(answer.status, 400)
      assert.deepEqual(Object.keys(answer.body).sort(), [
        'apiVersion',
        'code',
        'kind',
        'message',
        'metadata',
        'reason',
        'status',
      ])
      assert.equal(answer.body.kind, 'Status')
      assert.equal(answer.body.reason, 'BadRequest')
      assert.equal(answer.body.code, 400)
      assert.match(answer.body.message, message)
    })
  }

  test('a Pod Go would not decode is denied with its decoding error', () => {
    const answer = reviewed(
      review({ apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 7 }] } }),
    )
    assert.equal(answer.response.allowed, false)
    assert.equal(answer.response.status?.code, 400)
    assert.equal(
      answer.response.status?.message,
      'json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string',
    )
    const spec = reviewed(review({ apiVersion: 'v1', kind: 'Pod', spec: [] }))
    assert.equal(
      spec.response.status?.message,
      'json: cannot unmarshal array into Go struct field Pod.spec of type v1.PodSpec',
    )
  })
})

describe('container credentials (EKS Pod Identity) and JSON Pointer escaping', () => {
  test('the label goes into an existing labels map with `/` escaped as ~1', () => {
    const settings: MutationSettings = {
      ...SETTINGS,
      containerCredentials: () => ({
        audience: 'pods.eks.amazonaws.com',
        mountPath: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount',
        volumeName: 'eks-pod-identity-token',
        tokenPath: 'eks-pod-identity-token',
        fullUri: 'http://169.254.170.23/v1/credentials',
      }),
      randomInt: () => 7,
    }
    const object = pod({ serviceAccountName: 'app' }, { labels: { app: 'web' } })
    const answer = reviewed(review(object), settings)
    const patch = JSON.parse(
      Buffer.from(answer.response.patch ?? '', 'base64').toString(),
    ) as Operation[]
    assert.deepEqual(patch[0], {
      op: 'add',
      path: '/metadata/labels/eks.amazonaws.com~1pod-identity',
      value: 'enabled',
    })
    const result = patched(object, answer)
    assert.deepEqual((result['metadata'] as { labels: unknown }).labels, {
      app: 'web',
      'eks.amazonaws.com/pod-identity': 'enabled',
    })
    const env = envOf(containers(result)[0] ?? { name: '' })
    assert.equal(env['AWS_CONTAINER_CREDENTIALS_FULL_URI'], 'http://169.254.170.23/v1/credentials')
    assert.equal(env['AWS_ROLE_ARN'], undefined)
    // A default lifetime gets the jitter: 79200 + 7.
    assert.match(JSON.stringify(result.spec['volumes']), /"expirationSeconds":79207/)
  })

  test('RFC 6901: ~ is ~0 and / is ~1, in that order', () => {
    assert.equal(jsonPointer('metadata', 'labels', 'a/b~c'), '/metadata/labels/a~1b~0c')
    assert.equal(jsonPointer('x', '~1'), '/x/~01')
    assert.equal(jsonPointer('spec', 'containers', 0), '/spec/containers/0')
  })
})
