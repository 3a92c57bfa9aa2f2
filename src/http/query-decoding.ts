// Decodes an AWS Query request (GET query string or POST form body) into flat parameters:
// `Action`, `Version`, `RoleName`, `Tags.member.1.Key`, ...
import type { Params } from '../core/input.js'
import type { HttpRequest } from './http-message.js'
import { headerValue } from './http-message.js'

/** Percent-decoding that keeps a malformed escape as written instead of failing the request. */
function decodeComponent(text: string): string {
  if (!text.includes('%') && !text.includes('+')) return text
  const spaced = text.replaceAll('+', ' ')
  try {
    return decodeURIComponent(spaced)
  } catch {
    return spaced.replace(/%([0-9A-Fa-f]{2})/g, (whole, hex: string) => {
      const code = Number.parseInt(hex, 16)
      return code < 0x80 ? String.fromCharCode(code) : whole
    })
  }
}

/** `a=1&b=x+y` as ordered pairs; a name without `=` has the empty value. */
export function parseForm(text: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  for (const part of text.split('&')) {
    if (part === '') continue
    const equals = part.indexOf('=')
    const name = equals === -1 ? part : part.slice(0, equals)
    const value = equals === -1 ? '' : part.slice(equals + 1)
    pairs.push([decodeComponent(name), decodeComponent(value)])
  }
  return pairs
}

/** True for `application/x-www-form-urlencoded`, with or without parameters such as charset. */
export function isFormContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false
  const semicolon = contentType.indexOf(';')
  const mediaType = semicolon === -1 ? contentType : contentType.slice(0, semicolon)
  return mediaType.trim().toLowerCase() === 'application/x-www-form-urlencoded'
}

const utf8 = new TextDecoder()

/** Adds the pairs whose names are not there yet: when a name repeats, its first value counts. */
function addNew(params: Record<string, string>, pairs: Array<[string, string]>): void {
  for (const [name, value] of pairs) {
    if (!Object.hasOwn(params, name)) params[name] = value
  }
}

/**
 * The Query parameters of a request: the query string's, then (for a form POST) the body's.
 * When a name repeats, its first value counts.
 */
export function decodeQueryParams(request: HttpRequest): Params {
  // No prototype, so a parameter named `__proto__` is just a parameter.
  const params = Object.create(null) as Record<string, string>
  if (request.query !== '') addNew(params, parseForm(request.query))
  if (request.method === 'POST' && isFormContentType(headerValue(request, 'content-type'))) {
    addNew(params, parseForm(utf8.decode(request.body)))
  }
  return params
}
