// What a service operation answers: a tree of plain values that http/ encodes as AWS XML or JSON.
// Key order is the element order on the wire; arrays become `<member>` lists.

export type ResultValue =
  string | number | boolean | Date | null | undefined | ResultObject | readonly ResultValue[]

export interface ResultObject {
  [element: string]: ResultValue
}
