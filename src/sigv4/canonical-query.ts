// Step 1c: the canonical query string. Each name and value is decoded from its wire form and
// re-encoded the SigV4 way, then the pairs are sorted by name and value.

import { percentDecodeBytes, uriEncodeBytes } from './uri-encode.js'

export interface QueryParameter {
  /** Decoded name and value, for reading parameters such as X-Amz-Credential. */
  name: string
  value: string
  /** SigV4-encoded name and value, for the canonical string. */
  encodedName: string
  encodedValue: string
}

const utf8Decoder = new TextDecoder()

/** Splits a raw query string into parameters in arrival order; empty pieces ('&&') are skipped. */
export const parseQuery = (query: string): QueryParameter[] => {
  const parameters: QueryParameter[] = []
  // IAM and STS requests carry their parameters in the body: the query string is mostly empty.
  if (query === '') return parameters
  for (const piece of query.split('&')) {
    if (piece === '') continue
    const equals = piece.indexOf('=')
    const rawName = equals < 0 ? piece : piece.slice(0, equals)
    const rawValue = equals < 0 ? '' : piece.slice(equals + 1)
    const nameBytes = percentDecodeBytes(rawName)
    const valueBytes = percentDecodeBytes(rawValue)
    parameters.push({
      name: utf8Decoder.decode(nameBytes),
      value: utf8Decoder.decode(valueBytes),
      encodedName: uriEncodeBytes(nameBytes),
      encodedValue: uriEncodeBytes(valueBytes),
    })
  }
  return parameters
}

const byNameThenValue = (a: QueryParameter, b: QueryParameter): number =>
  a.encodedName < b.encodedName
    ? -1
    : a.encodedName > b.encodedName
      ? 1
      : a.encodedValue < b.encodedValue
        ? -1
        : a.encodedValue > b.encodedValue
          ? 1
          : 0

/**
 * The canonical query string. `exclude` drops parameters by exact (decoded) name: the presigned
 * form leaves out X-Amz-Signature, which cannot sign itself.
 */
export const canonicalQuery = (
  parameters: readonly QueryParameter[],
  exclude: readonly string[] = [],
): string =>
  parameters
    .filter((parameter) => !exclude.includes(parameter.name))
    .sort(byNameThenValue)
    .map((parameter) => `${parameter.encodedName}=${parameter.encodedValue}`)
    .join('&')
