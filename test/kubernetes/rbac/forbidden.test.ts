// Forbidden as a kube-apiserver words and shapes it: the example, upstream's own
// responsewriters TestForbidden bodies (k8s.io/apiserver pkg/endpoints/handlers/responsewriters/
// errors_test.go), and 403 bodies recorded from real kube-apiservers and quoted in public docs.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  encodeStatusJson,
  forbiddenMessage,
  forbiddenStatus,
  userCannotMessage,
} from '../../../src/kubernetes/rbac/index.js'
import { pathRequest, resourceRequest, userNamed } from './helpers.js'

test('the issue example: a namespaced list', () => {
  const request = resourceRequest(userNamed('production-admin-user', 'prod-admin-group'), 'list', {
    resource: 'pods',
    namespace: 'default',
  })
  assert.equal(
    forbiddenMessage(request),
    'pods is forbidden: User "production-admin-user" cannot list resource "pods" in API group "" in the namespace "default"',
  )
})

describe('upstream TestForbidden', () => {
  const user = userNamed('NAME')
  const cases: [string, Parameters<typeof forbiddenStatus>[0]][] = [
    [
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \\"NAME\\" cannot GET path \\"/whatever\\"","reason":"Forbidden","details":{},"code":403}\n',
      pathRequest(user, 'GET', '/whatever'),
    ],
    [
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \\"NAME\\" cannot GET path \\"/\\u0026lt;script\\u0026gt;\\"","reason":"Forbidden","details":{},"code":403}\n',
      pathRequest(user, 'GET', '/<script>'),
    ],
    [
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pod is forbidden: User \\"NAME\\" cannot get resource \\"pod\\" in API group \\"\\" at the cluster scope","reason":"Forbidden","details":{"kind":"pod"},"code":403}\n',
      resourceRequest(user, 'get', { resource: 'pod' }),
    ],
    [
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pod \\"mypod\\" is forbidden: User \\"NAME\\" cannot get resource \\"pod\\" in API group \\"\\" at the cluster scope","reason":"Forbidden","details":{"name":"mypod","kind":"pod"},"code":403}\n',
      resourceRequest(user, 'get', { resource: 'pod', name: 'mypod' }),
    ],
    [
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pod.v2 is forbidden: User \\"NAME\\" cannot get resource \\"pod/quota\\" in API group \\"v2\\" in the namespace \\"test\\"","reason":"Forbidden","details":{"group":"v2","kind":"pod"},"code":403}\n',
      resourceRequest(user, 'get', {
        group: 'v2',
        resource: 'pod',
        subresource: 'quota',
        namespace: 'test',
      }),
    ],
  ]
  for (const [body, request] of cases) {
    test(body.slice(70, 140), () => {
      assert.equal(encodeStatusJson(forbiddenStatus(request)), body)
    })
  }
})

describe('403 bodies recorded from kube-apiservers', () => {
  test('a named resource with the RBAC reason of a missing ClusterRole (defenseunicorns/pepr RBAC docs)', () => {
    const request = resourceRequest(
      userNamed('system:serviceaccount:pepr-system:pepr-e868e97f-0512-5a48-92c3-96a2e3b6da10'),
      'get',
      {
        group: 'pepr.dev',
        resource: 'peprstores',
        namespace: 'pepr-system',
        name: 'pepr-e868e97f-0512-5a48-92c3-96a2e3b6da10-store',
      },
    )
    const reason =
      'RBAC: clusterrole.rbac.authorization.k8s.io "pepr-e868e97f-0512-5a48-92c3-96a2e3b6da10" not found'
    assert.deepEqual(forbiddenStatus(request, reason), {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'peprstores.pepr.dev "pepr-e868e97f-0512-5a48-92c3-96a2e3b6da10-store" is forbidden: User "system:serviceaccount:pepr-system:pepr-e868e97f-0512-5a48-92c3-96a2e3b6da10" cannot get resource "peprstores" in API group "pepr.dev" in the namespace "pepr-system": RBAC: clusterrole.rbac.authorization.k8s.io "pepr-e868e97f-0512-5a48-92c3-96a2e3b6da10" not found',
      reason: 'Forbidden',
      details: {
        name: 'pepr-e868e97f-0512-5a48-92c3-96a2e3b6da10-store',
        group: 'pepr.dev',
        kind: 'peprstores',
      },
      code: 403,
    })
  })

  test('a patch of a named core resource (defenseunicorns/pepr docs/030_user-guide/090_rbac.md)', () => {
    const request = resourceRequest(
      userNamed('system:serviceaccount:pepr-system:pepr-static-test'),
      'patch',
      {
        resource: 'configmaps',
        namespace: 'pepr-demo-2',
        name: 'pepr-ssa-demo',
      },
    )
    const status = forbiddenStatus(request)
    assert.equal(
      status.message,
      'configmaps "pepr-ssa-demo" is forbidden: User "system:serviceaccount:pepr-system:pepr-static-test" cannot patch resource "configmaps" in API group "" in the namespace "pepr-demo-2"',
    )
    assert.deepEqual(status.details, { name: 'pepr-ssa-demo', kind: 'configmaps' })
  })

  test('cluster-scoped lists, core and grouped', () => {
    const pvs = resourceRequest(userNamed('system:serviceaccount:default:robot-app'), 'list', {
      resource: 'persistentvolumes',
    })
    assert.equal(
      encodeStatusJson(forbiddenStatus(pvs)),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"persistentvolumes is forbidden: User \\"system:serviceaccount:default:robot-app\\" cannot list resource \\"persistentvolumes\\" in API group \\"\\" at the cluster scope","reason":"Forbidden","details":{"kind":"persistentvolumes"},"code":403}\n',
    )
    const reviews = resourceRequest(
      userNamed('system:anonymous', 'system:unauthenticated'),
      'create',
      {
        group: 'authorization.k8s.io',
        resource: 'selfsubjectaccessreviews',
      },
    )
    assert.equal(
      encodeStatusJson(forbiddenStatus(reviews)),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"selfsubjectaccessreviews.authorization.k8s.io is forbidden: User \\"system:anonymous\\" cannot create resource \\"selfsubjectaccessreviews\\" in API group \\"authorization.k8s.io\\" at the cluster scope","reason":"Forbidden","details":{"group":"authorization.k8s.io","kind":"selfsubjectaccessreviews"},"code":403}\n',
    )
  })

  test('an IAM identity through aws-iam-authenticator (its ARN as the username)', () => {
    const request = resourceRequest(
      userNamed('arn:aws:iam::123456789:assumed-role/EC2-Role/i-1234567890abcdef0'),
      'create',
      {
        resource: 'namespaces',
      },
    )
    assert.equal(
      encodeStatusJson(forbiddenStatus(request)),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"namespaces is forbidden: User \\"arn:aws:iam::123456789:assumed-role/EC2-Role/i-1234567890abcdef0\\" cannot create resource \\"namespaces\\" in API group \\"\\" at the cluster scope","reason":"Forbidden","details":{"kind":"namespaces"},"code":403}\n',
    )
  })

  test('a non-resource path', () => {
    for (const [user, path] of [
      ['system:anonymous', '/'],
      ['kube-apiserver', '/healthz'],
    ] as const) {
      assert.equal(
        encodeStatusJson(forbiddenStatus(pathRequest(userNamed(user), 'get', path))),
        `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"forbidden: User \\"${user}\\" cannot get path \\"${path}\\"","reason":"Forbidden","details":{},"code":403}\n`,
      )
    }
  })
})

describe('wording rules (responsewriters.forbiddenMessage, apierrors.NewForbidden)', () => {
  const u = userNamed('u')

  test('a subresource is named with its resource; details name only the resource', () => {
    const request = resourceRequest(u, 'create', {
      resource: 'pods',
      subresource: 'exec',
      namespace: 'ns',
      name: 'web-0',
    })
    assert.equal(
      userCannotMessage(request),
      'User "u" cannot create resource "pods/exec" in API group "" in the namespace "ns"',
    )
    assert.equal(
      forbiddenMessage(request),
      `pods "web-0" is forbidden: ${userCannotMessage(request)}`,
    )
    assert.deepEqual(forbiddenStatus(request).details, { name: 'web-0', kind: 'pods' })
  })

  test('a reason follows after a colon, untouched; the user part has & < > replaced', () => {
    const request = resourceRequest(userNamed('a<b>&c'), 'get', {
      resource: 'pods',
      namespace: 'ns',
      name: 'p',
    })
    assert.equal(
      forbiddenMessage(request, 'RBAC: <why>'),
      'pods "p" is forbidden: User "a&lt;b&gt;&amp;c" cannot get resource "pods" in API group "" in the namespace "ns": RBAC: <why>',
    )
    assert.equal(forbiddenMessage(request, ''), forbiddenMessage(request))
  })

  test('Go quoting of names and paths', () => {
    assert.equal(
      userCannotMessage(pathRequest(userNamed('tab\there'), 'get', '/a"b')),
      'User "tab\\there" cannot get path "/a\\"b"',
    )
  })

  test("the JSON escapes what Go's encoder escapes, and nothing it does not", () => {
    const status = forbiddenStatus(pathRequest(userNamed('x\u2028y'), 'get', '/\\ud800'))
    const json = encodeStatusJson(status)
    // goQuote already escapes U+2028 in the user; the literal backslash stays one escaped backslash.
    assert.ok(json.includes('User \\"x\\\\u2028y\\"'), json)
    assert.ok(json.includes('path \\"/\\\\\\\\ud800\\"'), json)
    assert.deepEqual(JSON.parse(json), status)
    assert.ok(json.endsWith('}\n'))
    // In the reason, which is not quoted: HTML characters, line separators, a lone surrogate.
    const reasoned = encodeStatusJson(
      forbiddenStatus(pathRequest(userNamed('u'), 'get', '/'), '<a&b>\u2029\ud800'),
    )
    assert.ok(reasoned.includes(': \\u003ca\\u0026b\\u003e\\u2029\\ufffd"'), reasoned)
  })
})
