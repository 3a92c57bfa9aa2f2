// The client half of the AWS Query protocol for rolegate's own commands: a form POST signed with
// SigV4 (src/sigv4), sent over node:http(s) with the configured CA bundle, and the XML answer read
// back into plain values, or its <ErrorResponse> into an ApiError.
import { request as httpRequest } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { DOMParser } from '@xmldom/xmldom'
import type { Element as XmlElement } from '@xmldom/xmldom'
import { nodeCrypto } from '../core/node-crypto.js'
import { signRequest } from '../sigv4/sign.js'
import { ClientConfigError } from './aws-config.js'
import type { ClientConfig } from './aws-config.js'

/** An answer's content: text, a `<member>` list, or named children. */
export type XmlValue = string | XmlValue[] | { [name: string]: XmlValue }

export interface QueryCall {
  /** The SigV4 signing name: `rolegate`, `iam`. */
  service: string
  version: string
  action: string
  params?: Record<string, string>
}

/** The service refused the call: AWS's error code and message. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

/** The endpoint could not be reached, or its certificate was not trusted. */
export class EndpointError extends Error {
  override readonly name = 'EndpointError'
}

/**
 * Prints a failed call as the AWS CLI does (`An error occurred (CODE) when calling the ACTION
 * operation: MESSAGE`), or a setup problem as `rolegate COMMAND: why`, and answers exit status 1;
 * answers undefined for any other error, which the caller rethrows.
 */
export function reportCallFailure(
  io: { err(text: string): void },
  command: string,
  action: string,
  error: unknown,
): number | undefined {
  if (error instanceof ApiError) {
    io.err(
      `An error occurred (${error.code}) when calling the ${action} operation: ${error.message}\n`,
    )
    return 1
  }
  if (error instanceof ClientConfigError || error instanceof EndpointError) {
    io.err(`rolegate ${command}: ${error.message}\n`)
    return 1
  }
  return undefined
}

const TLS_FAILURES =
  /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|HOSTNAME|DEPTH_ZERO|unable to verify|self[- ]signed/i

const elementChildren = (element: XmlElement): XmlElement[] => {
  const out: XmlElement[] = []
  for (let node = element.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === 1) out.push(node as XmlElement)
  }
  return out
}

/** One element as a value: text when it has no child elements, a list when all are <member>. */
export function xmlValue(element: XmlElement): XmlValue {
  const children = elementChildren(element)
  if (children.length === 0) return element.textContent ?? ''
  if (children.every((child) => child.localName === 'member')) return children.map(xmlValue)
  const object: { [name: string]: XmlValue } = {}
  for (const child of children) object[child.localName ?? child.nodeName] = xmlValue(child)
  return object
}

/** A value that should be a list; an empty list arrives as an empty element. */
export const asList = (value: XmlValue | undefined): XmlValue[] =>
  Array.isArray(value) ? value : []

function parseXml(body: string): XmlElement | undefined {
  if (!body.trimStart().startsWith('<')) return undefined
  const document = new DOMParser({ onError: () => undefined }).parseFromString(body, 'text/xml')
  return document.documentElement ?? undefined
}

interface RawResponse {
  status: number
  body: string
}

function send(
  url: URL,
  headers: readonly (readonly [string, string])[],
  body: Uint8Array,
  ca: string | undefined,
): Promise<RawResponse> {
  const https = url.protocol === 'https:'
  const options = {
    method: 'POST',
    headers: Object.fromEntries(headers.map(([name, value]) => [name, value])),
    ...(https && ca !== undefined ? { ca } : {}),
  }
  return new Promise((resolve, reject) => {
    const onResponse = (response: IncomingMessage) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      )
      response.on('error', reject)
    }
    const outgoing = https
      ? httpsRequest(url, options, onResponse)
      : httpRequest(url, options, onResponse)
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      const detail = `${error.code ?? ''} ${error.message}`
      reject(
        new EndpointError(
          TLS_FAILURES.test(detail)
            ? `SSL validation failed for ${url.origin}: ${error.message} (set AWS_CA_BUNDLE to the server's CA)`
            : `Could not connect to the endpoint URL: "${url.origin}": ${error.message}`,
        ),
      )
    })
    outgoing.end(body)
  })
}

const formEncode = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&')

/** Calls one action and answers its `<ActionResult>` content ({} when it has none). */
export async function callQuery(
  config: ClientConfig,
  call: QueryCall,
  now: Date = new Date(),
): Promise<{ [name: string]: XmlValue }> {
  const url = new URL(`${config.endpoint}/`)
  const body = new TextEncoder().encode(
    formEncode({ Action: call.action, Version: call.version, ...call.params }),
  )
  const signed = signRequest(
    {
      method: 'POST',
      path: url.pathname,
      query: '',
      headers: [
        ['Host', url.host],
        ['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8'],
      ],
      body,
    },
    config.credentials,
    { crypto: nodeCrypto, region: config.region, service: call.service, date: now },
  )
  const response = await send(url, signed.request.headers, body, config.ca)
  const root = parseXml(response.body)
  if (response.status >= 300 || root?.localName === 'ErrorResponse') {
    const error = root === undefined ? undefined : xmlValue(root)
    const detail = typeof error === 'object' && !Array.isArray(error) ? error['Error'] : undefined
    if (typeof detail === 'object' && !Array.isArray(detail)) {
      const code = typeof detail['Code'] === 'string' ? detail['Code'] : 'Unknown'
      const message = typeof detail['Message'] === 'string' ? detail['Message'] : ''
      throw new ApiError(code, message, response.status)
    }
    throw new ApiError(`HTTP${response.status}`, response.body.slice(0, 500), response.status)
  }
  const answer = root === undefined ? undefined : xmlValue(root)
  const result =
    typeof answer === 'object' && !Array.isArray(answer)
      ? answer[`${call.action}Result`]
      : undefined
  return typeof result === 'object' && !Array.isArray(result) ? result : {}
}
