// The webhooks a real kube-apiserver calls: `POST /clusters/NAME/authenticate` with a TokenReview
// (--authentication-token-webhook-config-file) and `POST /clusters/NAME/authorize` with a
// SubjectAccessReview (--authorization-webhook-config-file), in v1 or v1beta1, answered in the
// request's apiVersion and kind.
import type { JsonObject } from './json-input.js'
import { FieldTypeError, Fields } from './json-input.js'
import type { ReviewContext } from './reviews.js'
import { subjectAccessReview, tokenReview } from './reviews.js'
import { StatusError, badRequest } from './status.js'

export type Webhook = 'authenticate' | 'authorize'

const ACCEPTED: Readonly<Record<Webhook, { kind: string; versions: readonly string[] }>> = {
  authenticate: {
    kind: 'TokenReview',
    versions: ['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1'],
  },
  authorize: {
    kind: 'SubjectAccessReview',
    versions: ['authorization.k8s.io/v1', 'authorization.k8s.io/v1beta1'],
  },
}

/** The kind and apiVersion of a review body, checked against what the webhook takes. */
export function reviewType(
  body: JsonObject,
  expected: { kind: string; versions: readonly string[] },
): { kind: string; apiVersion: string } {
  const fields = new Fields(body, '')
  const kind = fields.string('kind')
  const apiVersion = fields.string('apiVersion')
  if (kind === '') {
    throw new StatusError(badRequest(`Object 'Kind' is missing in the request body`))
  }
  if (kind !== expected.kind || !expected.versions.includes(apiVersion)) {
    throw new StatusError(
      badRequest(
        `this endpoint takes ${expected.kind} in ${expected.versions.join(' or ')}, not ${kind} in ${apiVersion === '' ? 'no apiVersion' : apiVersion}`,
      ),
    )
  }
  return { kind, apiVersion }
}

/** The webhook's answer to one review body (already parsed as a JSON object). */
export async function answerWebhook(
  webhook: Webhook,
  body: JsonObject,
  context: ReviewContext,
): Promise<JsonObject> {
  const { kind, apiVersion } = reviewType(body, ACCEPTED[webhook])
  try {
    const fields = new Fields(body, kind)
    if (webhook === 'authenticate') return await tokenReview(fields, apiVersion, context)
    return subjectAccessReview(fields, 'SubjectAccessReview', apiVersion, context)
  } catch (error) {
    if (error instanceof FieldTypeError) {
      throw new StatusError(
        badRequest(
          `${kind} in version "${apiVersion.split('/')[1] ?? ''}" cannot be handled as a ${kind}: ${error.message}`,
        ),
      )
    }
    throw error
  }
}
