// Marker/MaxItems paging as IAM does it: MaxItems 1-1000 (default 100), an opaque Marker. Lists
// that grow with the account (users, groups, roles, policies) page by name: the Marker holds the
// last name given, and the next page is read after it through the store's name index.
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

export interface Paging {
  Marker?: string | undefined
  MaxItems?: number | undefined
}

const DEFAULT_MAX_ITEMS = 100

const invalidMarker = () => new AwsError('InvalidInput', 'Invalid Marker.')

const encodeMarker = (offset: number) => Buffer.from(`rolegate:${offset}`).toString('base64')

function decodeMarker(marker: string): number {
  const text = Buffer.from(marker, 'base64').toString('utf8')
  const match = /^rolegate:(\d+)$/.exec(text)
  if (!match) throw invalidMarker()
  return Number(match[1])
}

const NAME_MARKER = 'rolegate:after:'

const encodeNameMarker = (name: string) =>
  Buffer.from(`${NAME_MARKER}${name}`, 'utf8').toString('base64')

function decodeNameMarker(marker: string): string {
  const text = Buffer.from(marker, 'base64').toString('utf8')
  if (!text.startsWith(NAME_MARKER) || text.length === NAME_MARKER.length) throw invalidMarker()
  return text.slice(NAME_MARKER.length)
}

/** One page read by name, before it is rendered. */
export interface NamePageRead<T> {
  items: T[]
  truncated: boolean
  /** For the next page, when truncated. */
  marker: string | undefined
}

/**
 * One page of a list ordered by `keyOf`, read with `read`: the items after the Marker's key, one
 * more than asked for so that IsTruncated needs no count.
 */
export async function readPageByName<T>(
  paging: Paging,
  read: (page: { after: string | undefined; limit: number }) => Promise<readonly T[]>,
  keyOf: (item: T) => string,
): Promise<NamePageRead<T>> {
  const after = paging.Marker === undefined ? undefined : decodeNameMarker(paging.Marker)
  const size = paging.MaxItems ?? DEFAULT_MAX_ITEMS
  const read_ = await read({ after, limit: size + 1 })
  const items = read_.slice(0, size)
  const truncated = read_.length > size
  const last = items.at(-1)
  const marker = truncated && last !== undefined ? encodeNameMarker(keyOf(last)) : undefined
  return { items, truncated, marker }
}

/** A page read by name in AWS's envelope: `{ [listName]: page, IsTruncated, Marker? }`. */
export function namePageResult<T>(
  listName: string,
  page: NamePageRead<T>,
  render: (item: T) => ResultObject | string,
): ResultObject {
  const result: ResultObject = { [listName]: page.items.map(render), IsTruncated: page.truncated }
  if (page.marker !== undefined) result['Marker'] = page.marker
  return result
}

/** Reads a page by name and renders it. */
export async function paginateByName<T>(
  paging: Paging,
  listName: string,
  read: (page: { after: string | undefined; limit: number }) => Promise<readonly T[]>,
  keyOf: (item: T) => string,
  render: (item: T) => ResultObject | string,
): Promise<ResultObject> {
  return namePageResult(listName, await readPageByName(paging, read, keyOf), render)
}

/**
 * One page of `items` in AWS's envelope: `{ [listName]: page, IsTruncated, Marker? }`.
 * `items` must already be in AWS's stable order.
 */
export function paginate<T>(
  items: readonly T[],
  paging: Paging,
  listName: string,
  render: (item: T) => ResultObject | string,
): ResultObject {
  const start = paging.Marker === undefined ? 0 : decodeMarker(paging.Marker)
  const size = paging.MaxItems ?? DEFAULT_MAX_ITEMS
  const page = items.slice(start, start + size)
  const truncated = start + size < items.length
  const result: ResultObject = { [listName]: page.map(render), IsTruncated: truncated }
  if (truncated) result['Marker'] = encodeMarker(start + size)
  return result
}
