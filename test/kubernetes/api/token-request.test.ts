// TokenRequest (`serviceaccounts/token`) socket-free, with a recording token port: the defaults and
// bounds of the kube-apiserver (SetDefaults_TokenRequestSpec: an hour; ValidateTokenRequest: "may
// not specify a duration less than 10 minutes" / "larger than 2^32 seconds", as 422 Invalid on
// TokenRequest.authentication.k8s.io; the signer's maximum caps longer requests, EKS's 24 hours),
// a missing ServiceAccount as NotFound, and bodies the apiserver would not decode.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { FieldTypeError } from '../../../src/kubernetes/api/json-input.js'
import type { ServiceAccountTokens } from '../../../src/kubernetes/api/ports.js'
import { StatusError } from '../../../src/kubernetes/api/status.js'
import { answerTokenRequest } from '../../../src/kubernetes/api/token-request.js'
import type { ClusterSnapshot } from '../../../src/kubernetes/objects.js'

const SNAPSHOT: ClusterSnapshot = {
  cluster: {
    accountId: '111122223333',
    name: 'prod',
    id: '0123456789ABCDEF0123456789ABCDEF',
    arn: 'arn:aws:eks:us-east-1:111122223333:cluster/prod',
    region: 'us-east-1',
    issuerName: 'eks-0123456789ABCDEF0123456789ABCDEF',
    createdAt: new Date('2025-01-01T00:00:00Z'),
  },
  objects: [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app', namespace: 'apps' } },
  ],
}

type Minted = Parameters<ServiceAccountTokens['mint']>[2]

function recorder() {
  const calls: Minted[] = []
  const tokens: ServiceAccountTokens = {
    mint(_snapshot, _account, request) {
      calls.push(request)
      return Promise.resolve({
        token: 'header.payload.signature',
        audiences: request.audiences.length > 0 ? [...request.audiences] : ['sts.amazonaws.com'],
        expirationTimestamp: new Date(Date.UTC(2026, 0, 1) + request.expirationSeconds * 1000),
      })
    },
  }
  return { calls, tokens }
}

const request = (spec: Record<string, unknown> = {}, top: Record<string, unknown> = {}) => ({
  apiVersion: 'authentication.k8s.io/v1',
  kind: 'TokenRequest',
  spec,
  ...top,
})

async function statusOf(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    if (error instanceof StatusError) return error.status
    throw error
  }
  assert.fail('expected a Status')
}

describe('TokenRequest', () => {
  test('an hour by default; the signer answers the audiences', async () => {
    const { calls, tokens } = recorder()
    const answer = await answerTokenRequest(SNAPSHOT, 'apps', 'app', request(), tokens)
    assert.deepEqual(calls, [{ audiences: [], expirationSeconds: 3600, pod: undefined }])
    assert.deepEqual(answer, {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: 'app', namespace: 'apps', creationTimestamp: null },
      spec: { audiences: ['sts.amazonaws.com'], expirationSeconds: 3600, boundObjectRef: null },
      status: { token: 'header.payload.signature', expirationTimestamp: '2026-01-01T01:00:00Z' },
    })
  })

  test('longer than 24 hours is granted 24 hours; a pod binding names the pod', async () => {
    const { calls, tokens } = recorder()
    const answer = await answerTokenRequest(
      SNAPSHOT,
      'apps',
      'app',
      request({
        audiences: ['sts.amazonaws.com'],
        expirationSeconds: 172800,
        boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web-0' },
      }),
      tokens,
    )
    assert.deepEqual(calls, [
      { audiences: ['sts.amazonaws.com'], expirationSeconds: 86400, pod: 'web-0' },
    ])
    assert.equal((answer['spec'] as { expirationSeconds: number }).expirationSeconds, 86400)
  })

  test('lifetimes out of bounds are 422 Invalid in the apiserver words', async () => {
    const { calls, tokens } = recorder()
    const short = await statusOf(
      answerTokenRequest(SNAPSHOT, 'apps', 'app', request({ expirationSeconds: 599 }), tokens),
    )
    assert.equal(short.code, 422)
    assert.equal(short.reason, 'Invalid')
    assert.equal(
      short.message,
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes',
    )
    const long = await statusOf(
      answerTokenRequest(
        SNAPSHOT,
        'apps',
        'app',
        request({ expirationSeconds: 2 ** 32 + 1 }),
        tokens,
      ),
    )
    assert.equal(
      long.message,
      'TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds',
    )
    assert.deepEqual(calls, [])
  })

  test('a ServiceAccount the cluster lacks is NotFound, and nothing is minted', async () => {
    const { calls, tokens } = recorder()
    for (const [namespace, name] of [
      ['apps', 'ghost'],
      ['default', 'app'],
    ] as const) {
      const status = await statusOf(
        answerTokenRequest(SNAPSHOT, namespace, name, request(), tokens),
      )
      assert.equal(status.code, 404)
      assert.equal(status.message, `serviceaccounts "${name}" not found`)
      assert.deepEqual(status.details, { name, kind: 'serviceaccounts' })
    }
    assert.deepEqual(calls, [])
  })

  test('bodies the apiserver would not decode or bind', async () => {
    const { calls, tokens } = recorder()
    const wrongKind = await statusOf(
      answerTokenRequest(SNAPSHOT, 'apps', 'app', request({}, { kind: 'TokenReview' }), tokens),
    )
    assert.equal(wrongKind.code, 400)
    assert.match(wrongKind.message ?? '', /must be of type TokenRequest/)
    const secret = await statusOf(
      answerTokenRequest(
        SNAPSHOT,
        'apps',
        'app',
        request({ boundObjectRef: { kind: 'Secret', name: 's' } }),
        tokens,
      ),
    )
    assert.equal(secret.code, 400)
    assert.match(secret.message ?? '', /binds tokens to Pods only/)
    await assert.rejects(
      answerTokenRequest(SNAPSHOT, 'apps', 'app', request({ expirationSeconds: 600.5 }), tokens),
      (error: unknown) =>
        error instanceof FieldTypeError &&
        error.message.endsWith(
          'into Go struct field TokenRequest.spec.expirationSeconds of type int64',
        ),
    )
    await assert.rejects(
      answerTokenRequest(SNAPSHOT, 'apps', 'app', request({ audiences: 'sts' }), tokens),
      FieldTypeError,
    )
    assert.deepEqual(calls, [])
  })
})
