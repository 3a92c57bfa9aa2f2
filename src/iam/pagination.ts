// Marker/MaxItems paging as IAM does it: MaxItems 1-1000 (default 100), an opaque Marker.
import { optionalInteger, optionalString } from '../core/input.js'
import { AwsError } from '../core/errors.js'
import type { ResultObject } from '../core/result.js'

export const pagingInput = {
  Marker: optionalString({
    min: 1,
    max: 320,
    pattern: { regex: /^[\u0020-\u00FF]+$/, text: '[\\u0020-\\u00FF]+' },
  }),
  MaxItems: optionalInteger({ min: 1, max: 1000 }),
}

const encodeMarker = (offset: number) => Buffer.from(`rolegate:${offset}`).toString('base64')

function decodeMarker(marker: string): number {
  const text = Buffer.from(marker, 'base64').toString('utf8')
  const match = /^rolegate:(\d+)$/.exec(text)
  if (!match) throw new AwsError('InvalidInput', 'Invalid Marker.')
  return Number(match[1])
}

/**
 * One page of `items` in AWS's envelope: `{ [listName]: page, IsTruncated, Marker? }`.
 * `items` must already be in AWS's stable order.
 */
export function paginate<T>(
  items: readonly T[],
  paging: { Marker?: string | undefined; MaxItems?: number | undefined },
  listName: string,
  render: (item: T) => ResultObject | string,
): ResultObject {
  const start = paging.Marker === undefined ? 0 : decodeMarker(paging.Marker)
  const size = paging.MaxItems ?? 100
  const page = items.slice(start, start + size)
  const truncated = start + size < items.length
  const result: ResultObject = { [listName]: page.map(render), IsTruncated: truncated }
  if (truncated) result['Marker'] = encodeMarker(start + size)
  return result
}
