// AWS Query's XML: `<{Action}Response>` with a `<{Action}Result>` built from the ResultObject in
// key order, arrays as `<member>` lists, and the `<ErrorResponse>` envelope for failures.
import type { AwsError } from '../core/errors.js'
import type { ResultObject, ResultValue } from '../core/result.js'
import type { HttpResponse } from './http-message.js'
import type { ResponseContext, ResponseEncoder } from './response-encoder.js'

// Characters XML 1.0 cannot carry at all, even escaped.
const NOT_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

// Anything escapeXml changes: the characters above, markup and carriage returns.
const NEEDS_ESCAPE = new RegExp(`${NOT_XML.source}|[&<>"\r]`)

/** Escapes element text; a carriage return is written as a reference so parsers keep it. */
export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text
  return text
    .replace(NOT_XML, '\uFFFD')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll('\r', '&#13;')
}

/** IAM's timestamp form: `2024-01-02T03:04:05Z`, UTC, whole seconds. */
export const formatAwsDate = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z')

function isResultObject(value: ResultValue): value is ResultObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Map)
  )
}

/** The content of one element: text for scalars, child elements for objects and lists. */
export function encodeXmlValue(value: ResultValue): string {
  if (value === undefined || value === null) return ''
  if (value instanceof Date) return formatAwsDate(value)
  if (typeof value === 'string') return escapeXml(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) {
    return value
      .filter((item) => item !== undefined && item !== null)
      .map((item) => `<member>${encodeXmlValue(item)}</member>`)
      .join('')
  }
  if (value instanceof Map) {
    let out = ''
    for (const [key, item] of value as ReadonlyMap<string, ResultValue>) {
      out += `<entry><key>${escapeXml(key)}</key><value>${encodeXmlValue(item)}</value></entry>`
    }
    return out
  }
  if (isResultObject(value)) return encodeXmlElements(value)
  return ''
}

/** One element per key, in key order; undefined and null members are left out. */
export function encodeXmlElements(object: ResultObject): string {
  let out = ''
  for (const [name, value] of Object.entries(object)) {
    if (value === undefined || value === null) continue
    out += `<${name}>${encodeXmlValue(value)}</${name}>`
  }
  return out
}

const xmlResponse = (status: number, requestId: string, body: string): HttpResponse => ({
  status,
  headers: { 'content-type': 'text/xml', 'x-amzn-RequestId': requestId },
  body,
})

export function encodeXmlResult(
  action: string,
  result: ResultObject | undefined,
  context: ResponseContext,
): string {
  const resultElement =
    result === undefined ? '' : `<${action}Result>${encodeXmlElements(result)}</${action}Result>`
  return (
    `<${action}Response xmlns="${context.namespace}">` +
    resultElement +
    `<ResponseMetadata><RequestId>${escapeXml(context.requestId)}</RequestId></ResponseMetadata>` +
    `</${action}Response>`
  )
}

export function encodeXmlError(error: AwsError, context: ResponseContext): string {
  return (
    `<ErrorResponse xmlns="${context.namespace}">` +
    `<Error><Type>${error.type}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message>` +
    (context.encodedAuthorizationMessage === undefined
      ? ''
      : `<EncodedAuthorizationMessage>${escapeXml(context.encodedAuthorizationMessage)}</EncodedAuthorizationMessage>`) +
    `</Error>` +
    `<RequestId>${escapeXml(context.requestId)}</RequestId>` +
    `</ErrorResponse>`
  )
}

export const xmlEncoder: ResponseEncoder = {
  success: (action, result, context) =>
    xmlResponse(200, context.requestId, encodeXmlResult(action, result, context)),
  failure: (error, context) =>
    xmlResponse(error.status, context.requestId, encodeXmlError(error, context)),
}
