// What a service operation answers: a tree of plain values that http/ encodes as AWS XML or JSON.
// Key order is the element order on the wire; arrays become `<member>` lists, and maps AWS's
// `<entry><key/><value/></entry>` lists (GetAccountSummary's SummaryMap).

export type ResultValue =
  | string
  | number
  | boolean
  | Date
  | null
  | undefined
  | ResultObject
  | readonly ResultValue[]
  | ReadonlyMap<string, ResultValue>

export interface ResultObject {
  [element: string]: ResultValue
}
