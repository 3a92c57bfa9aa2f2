// The API face without a socket, over stand-ins for the store, the authenticator and RBAC that
// record what they were asked: what reaches them from each review and webhook body (v1 and
// v1beta1), and that bad input of every sort is a well-formed Status, never a 500.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createClusterApi, MAX_BODY_BYTES } from '../../../src/kubernetes/api/cluster-api.js'
import type { ApiRequest, ApiResponse } from '../../../src/kubernetes/api/ports.js'
import { failure } from '../../../src/kubernetes/api/status.js'
import type { ClusterSnapshot, RequestAttributes } from '../../../src/kubernetes/objects.js'

const snapshot: ClusterSnapshot = {
  cluster: {
    accountId: '123456789012',
    name: 'demo',
    id: '0123456789ABCDEF0123456789ABCDEF',
    arn: 'arn:aws:eks:us-east-1:123456789012:cluster/demo',
    region: 'us-east-1',
    issuerName: 'eks-demo',
    createdAt: new Date('2026-01-01T00:00:00Z'),
  },
  objects: [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'reader', namespace: 'production', resourceVersion: '7' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    },
  ],
}

function harness() {
  const asked: RequestAttributes[] = []
  const tokens: string[] = []
  const api = createClusterApi({
    clusters: { snapshot: async (name) => (name === 'demo' ? snapshot : undefined) },
    authenticator: {
      async authenticate(_snapshot, token) {
        tokens.push(token)
        return token === 'good'
          ? { authenticated: true, user: { username: 'alice', groups: ['devs'] } }
          : { authenticated: false, error: 'ARN arn:aws:iam::123456789012:role/x is not mapped' }
      },
    },
    authorizer: {
      authorize(_snapshot, attributes) {
        asked.push(attributes)
        return { allowed: attributes.verb !== 'delete', reason: '' }
      },
      rules: () => ({ resourceRules: [], nonResourceRules: [], incomplete: false }),
      forbidden: () => failure(403, 'Forbidden', 'forbidden'),
    },
    writer: {
      create: () => Promise.reject(new Error('not here')),
      update: () => Promise.reject(new Error('not here')),
      delete: () => Promise.reject(new Error('not here')),
    },
    clock: { now: () => new Date('2026-01-01T00:00:00Z') },
  })
  return { api, asked, tokens }
}

const request = (
  method: string,
  path: string,
  body: string | Uint8Array = '',
  headers: Array<[string, string]> = [['content-type', 'application/json']],
  secure = true,
): ApiRequest => ({
  method,
  path,
  query: '',
  headers,
  body: typeof body === 'string' ? Buffer.from(body) : body,
  sourceIp: '127.0.0.1',
  secure,
})

const parsed = (response: ApiResponse) => JSON.parse(response.body) as Record<string, unknown>

/** A Status failure as the apiserver writes one. */
function assertStatus(response: ApiResponse, code: number, reason: string) {
  assert.equal(response.status, code, response.body)
  const body = parsed(response)
  assert.equal(body['kind'], 'Status')
  assert.equal(body['apiVersion'], 'v1')
  assert.equal(body['status'], 'Failure')
  assert.equal(body['reason'], reason)
  assert.equal(body['code'], code)
  assert.equal(response.headers['content-type'], 'application/json')
}

describe('webhooks', () => {
  test('TokenReview v1 and v1beta1 answer in the request apiVersion and kind', async () => {
    const { api, tokens } = harness()
    for (const apiVersion of ['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1']) {
      const body = JSON.stringify({ apiVersion, kind: 'TokenReview', spec: { token: 'good' } })
      const response = await api.handle(request('POST', '/clusters/demo/authenticate', body))
      assert.equal(response.status, 200)
      assert.deepEqual(parsed(response), {
        apiVersion,
        kind: 'TokenReview',
        metadata: { creationTimestamp: null },
        spec: {},
        status: { authenticated: true, user: { username: 'alice', groups: ['devs'] } },
      })
    }
    assert.deepEqual(tokens, ['good', 'good'])
  })

  test('a token that does not authenticate is an answer with the reason, not an error', async () => {
    const { api } = harness()
    const body = JSON.stringify({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token: 'bad' },
    })
    const response = await api.handle(request('POST', '/clusters/demo/authenticate', body))
    assert.equal(response.status, 200)
    assert.deepEqual(parsed(response)['status'], {
      user: {},
      error: 'ARN arn:aws:iam::123456789012:role/x is not mapped',
    })
  })

  test('SubjectAccessReview: groups in v1, group in v1beta1, echoed as sent', async () => {
    const { api, asked } = harness()
    const resourceAttributes = { namespace: 'production', verb: 'list', resource: 'pods' }
    const cases = [
      ['authorization.k8s.io/v1', 'groups'],
      ['authorization.k8s.io/v1beta1', 'group'],
    ] as const
    for (const [apiVersion, field] of cases) {
      const body = {
        apiVersion,
        kind: 'SubjectAccessReview',
        spec: {
          resourceAttributes,
          user: 'bob',
          [field]: ['prod-admin-group'],
          extra: { k: ['v'] },
        },
      }
      const response = await api.handle(
        request('POST', '/clusters/demo/authorize', JSON.stringify(body)),
      )
      assert.equal(response.status, 200, response.body)
      const answer = parsed(response)
      assert.equal(answer['apiVersion'], apiVersion)
      assert.equal(answer['kind'], 'SubjectAccessReview')
      assert.deepEqual(answer['spec'], body.spec)
      assert.deepEqual(answer['status'], { allowed: true })
    }
    assert.equal(asked.length, 2)
    for (const attributes of asked) {
      assert.deepEqual(attributes, {
        user: { username: 'bob', groups: ['prod-admin-group'], extra: { k: ['v'] } },
        resourceRequest: true,
        verb: 'list',
        apiGroup: '',
        apiVersion: '',
        resource: 'pods',
        subresource: '',
        namespace: 'production',
        name: '',
      })
    }
  })

  test('a non-resource SubjectAccessReview and a denial', async () => {
    const { api, asked } = harness()
    const body = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'delete' }, groups: ['g'] },
    }
    const response = await api.handle(
      request('POST', '/clusters/demo/authorize', JSON.stringify(body)),
    )
    assert.deepEqual(parsed(response)['status'], { allowed: false })
    assert.deepEqual(asked[0], {
      user: { username: '', groups: ['g'] },
      resourceRequest: false,
      verb: 'delete',
      path: '/healthz',
    })
  })

  const BAD: Array<[string, string, string | Uint8Array, number, string]> = [
    ['not JSON', 'authorize', '{"kind":', 400, 'BadRequest'],
    ['JSON but not an object', 'authorize', '[1,2]', 400, 'BadRequest'],
    ['not UTF-8', 'authorize', Uint8Array.from([0x7b, 0xff, 0x7d]), 400, 'BadRequest'],
    ['no kind', 'authorize', '{"apiVersion":"authorization.k8s.io/v1"}', 400, 'BadRequest'],
    [
      'a TokenReview to authorize',
      'authorize',
      '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"x"}}',
      400,
      'BadRequest',
    ],
    [
      'an unknown version',
      'authenticate',
      '{"apiVersion":"authentication.k8s.io/v2","kind":"TokenReview","spec":{"token":"x"}}',
      400,
      'BadRequest',
    ],
    [
      'a token that is a number',
      'authenticate',
      '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":7}}',
      400,
      'BadRequest',
    ],
    [
      'no token',
      'authenticate',
      '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{}}',
      400,
      'BadRequest',
    ],
    [
      'spec a string',
      'authorize',
      '{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":"x"}',
      400,
      'BadRequest',
    ],
    [
      'groups not a list',
      'authorize',
      '{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"u","groups":"g","resourceAttributes":{}}}',
      400,
      'BadRequest',
    ],
    [
      'no user and no group',
      'authorize',
      '{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"resourceAttributes":{"verb":"get"}}}',
      422,
      'Invalid',
    ],
    [
      'both kinds of attributes',
      'authorize',
      '{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"u","resourceAttributes":{},"nonResourceAttributes":{}}}',
      422,
      'Invalid',
    ],
    [
      'protobuf garbage',
      'authorize',
      Buffer.from('k8s\u0000\u00ff\u00ff\u00ff', 'latin1'),
      400,
      'BadRequest',
    ],
  ]
  for (const [name, webhook, body, code, reason] of BAD) {
    test(`refused: ${name}`, async () => {
      const { api, asked } = harness()
      const type = name.startsWith('protobuf')
        ? 'application/vnd.kubernetes.protobuf'
        : 'application/json'
      const response = await api.handle(
        request('POST', `/clusters/demo/${webhook}`, body, [['content-type', type]]),
      )
      assertStatus(response, code, reason)
      assert.deepEqual(asked, [])
    })
  }

  test("the apiserver's words for a review without user or group", async () => {
    const { api } = harness()
    const body =
      '{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"resourceAttributes":{"verb":"get"}}}'
    const response = await api.handle(request('POST', '/clusters/demo/authorize', body))
    assert.equal(
      parsed(response)['message'],
      'SubjectAccessReview.authorization.k8s.io "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified',
    )
  })

  test('GET on a webhook, a content type that is neither JSON nor protobuf', async () => {
    const { api } = harness()
    assertStatus(
      await api.handle(request('GET', '/clusters/demo/authorize')),
      405,
      'MethodNotAllowed',
    )
    const yaml = await api.handle(
      request('POST', '/clusters/demo/authorize', 'kind: x', [['content-type', 'text/plain']]),
    )
    assertStatus(yaml, 415, 'UnsupportedMediaType')
  })
})

describe('every cluster path', () => {
  test('plain HTTP is refused before anything is read', async () => {
    const { api, tokens } = harness()
    const body =
      '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"good"}}'
    const response = await api.handle(
      request('POST', '/clusters/demo/authenticate', body, undefined, false),
    )
    assertStatus(response, 403, 'Forbidden')
    assert.deepEqual(tokens, [])
  })

  test('a body over the apiserver limit is 413', async () => {
    const { api } = harness()
    const response = await api.handle(
      request('POST', '/clusters/demo/authorize', new Uint8Array(MAX_BODY_BYTES + 1)),
    )
    assertStatus(response, 413, 'RequestEntityTooLarge')
    assert.equal(parsed(response)['message'], 'Request entity too large: limit is 3145728')
  })

  test('an unknown cluster, a bad cluster name, an unknown endpoint are 404', async () => {
    const { api } = harness()
    assertStatus(
      await api.handle(request('POST', '/clusters/other/authorize', '{}')),
      404,
      'NotFound',
    )
    assertStatus(await api.handle(request('GET', '/clusters/-x/k8s/api')), 404, 'NotFound')
    assertStatus(await api.handle(request('GET', '/clusters/demo/elsewhere')), 404, 'NotFound')
  })
})

describe('the kubectl face', () => {
  test("no token and a bad token are the apiserver's 401, the same for both", async () => {
    const { api } = harness()
    const expected = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    }
    const anonymous = await api.handle(request('GET', '/clusters/demo/k8s/api', '', []))
    assert.equal(anonymous.status, 401)
    assert.deepEqual(parsed(anonymous), expected)
    const bad = await api.handle(
      request('GET', '/clusters/demo/k8s/api', '', [['authorization', 'Bearer bad']]),
    )
    assert.deepEqual(parsed(bad), expected)
  })

  test('the authenticated user is in system:authenticated, and RBAC is asked first', async () => {
    const { api, asked } = harness()
    const response = await api.handle(
      request('GET', '/clusters/demo/k8s/api/v1/namespaces/default/pods/web', '', [
        ['authorization', 'Bearer good'],
        ['accept', 'application/json'],
      ]),
    )
    assertStatus(response, 404, 'NotFound')
    assert.equal(parsed(response)['message'], 'pods "web" not found')
    assert.deepEqual(asked[0]?.user, {
      username: 'alice',
      groups: ['devs', 'system:authenticated'],
    })
  })

  test('a patch nested deeper than Go reads JSON is 400, before any patching', async () => {
    const { api } = harness()
    const deep = `{"metadata":{"labels":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}}`
    const response = await api.handle(
      request(
        'PATCH',
        '/clusters/demo/k8s/apis/rbac.authorization.k8s.io/v1/namespaces/production/roles/reader',
        deep,
        [
          ['authorization', 'Bearer good'],
          ['content-type', 'application/merge-patch+json'],
          ['accept', 'application/json'],
        ],
      ),
    )
    assertStatus(response, 400, 'BadRequest')
    assert.equal(parsed(response)['message'], 'json: exceeded max depth')
  })

  test('a review body the face cannot read is 400, RBAC allowed or not', async () => {
    const { api } = harness()
    const response = await api.handle(
      request(
        'POST',
        '/clusters/demo/k8s/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
        Buffer.from('k8s\u0000\n\u0005', 'latin1'),
        [
          ['authorization', 'Bearer good'],
          ['content-type', 'application/vnd.kubernetes.protobuf'],
          ['accept', 'application/vnd.kubernetes.protobuf,application/json'],
        ],
      ),
    )
    assertStatus(response, 400, 'BadRequest')
  })
})
