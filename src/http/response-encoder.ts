// What a wire protocol must be able to write: an operation's result and an error, each with the
// request id. AWS Query answers in XML; STS also in JSON (json-encoder.ts).
import type { AwsError } from '../core/errors.js'
import type { ResultObject } from '../core/result.js'
import type { HttpResponse } from './http-message.js'

export interface ResponseContext {
  requestId: string
  /** The service's document namespace, e.g. `https://iam.amazonaws.com/doc/2010-05-08/`. */
  namespace: string
  /** For an AccessDenied: the sealed decision behind it, written beside the message. */
  encodedAuthorizationMessage?: string
}

export interface ResponseEncoder {
  /** `result` undefined means the action answers with response metadata only (DeleteRole). */
  success(action: string, result: ResultObject | undefined, context: ResponseContext): HttpResponse
  failure(error: AwsError, context: ResponseContext): HttpResponse
}
