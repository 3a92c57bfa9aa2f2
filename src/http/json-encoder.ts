// STS's JSON answers, for clients that send `Accept: application/json`: the Query result wrapped as
// `{ ActionResponse: { ActionResult, ResponseMetadata: { RequestId } } }`, timestamps as epoch
// seconds, and errors as `{ Error: { Code, Message, Type }, RequestId }`.
import type { AwsError } from '../core/errors.js'
import type { ResultObject, ResultValue } from '../core/result.js'
import type { HttpResponse } from './http-message.js'
import type { ResponseContext, ResponseEncoder } from './response-encoder.js'

type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

function toJson(value: ResultValue): Json | undefined {
  if (value === undefined || value === null) return undefined
  if (value instanceof Date) return value.getTime() / 1000
  if (Array.isArray(value)) {
    return value.map((item) => toJson(item)).filter((item): item is Json => item !== undefined)
  }
  if (value instanceof Map) {
    return objectToJson(Object.fromEntries(value as ReadonlyMap<string, ResultValue>))
  }
  if (typeof value === 'object') return objectToJson(value as ResultObject)
  return value as string | number | boolean
}

function objectToJson(object: ResultObject): { [key: string]: Json } {
  const out: { [key: string]: Json } = {}
  for (const [key, value] of Object.entries(object)) {
    const json = toJson(value)
    if (json !== undefined) out[key] = json
  }
  return out
}

const response = (status: number, requestId: string, body: Json): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-RequestId': requestId },
  body: JSON.stringify(body),
})

export function encodeJsonResult(
  action: string,
  result: ResultObject | undefined,
  context: ResponseContext,
): Json {
  return {
    [`${action}Response`]: {
      ...(result === undefined ? {} : { [`${action}Result`]: objectToJson(result) }),
      ResponseMetadata: { RequestId: context.requestId },
    },
  }
}

export function encodeJsonError(error: AwsError, context: ResponseContext): Json {
  return {
    Error: {
      Code: error.code,
      Message: error.message,
      Type: error.type,
      ...(context.encodedAuthorizationMessage === undefined
        ? {}
        : { EncodedAuthorizationMessage: context.encodedAuthorizationMessage }),
    },
    RequestId: context.requestId,
  }
}

export const jsonEncoder: ResponseEncoder = {
  success: (action, result, context) =>
    response(200, context.requestId, encodeJsonResult(action, result, context)),
  failure: (error, context) =>
    response(error.status, context.requestId, encodeJsonError(error, context)),
}
