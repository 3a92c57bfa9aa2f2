// The XML underneath SAML responses: a parser that refuses DOCTYPEs, entities and deep nesting,
// namespace-aware child lookups, and element text read whole (every text node, comments skipped).
import { DOMParser } from '@xmldom/xmldom'
import type { Document as XmlDocument, Element as XmlElement } from '@xmldom/xmldom'

export type { XmlDocument, XmlElement }

export const SAML_PROTOCOL_NS = 'urn:oasis:names:tc:SAML:2.0:protocol'
export const SAML_ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion'
export const XMLDSIG_NS = 'http://www.w3.org/2000/09/xmldsig#'

const ELEMENT_NODE = 1

/** Thrown by parseXml; the caller words the refusal. */
export class XmlRefused extends Error {
  override readonly name = 'XmlRefused'
}

export interface XmlLimits {
  /** Elements nested deeper than this are refused (canonicalisation recurses over them). */
  maxDepth: number
}

/**
 * Parses a whole document. A DOCTYPE is the door to entity expansion and external fetches, and no
 * SAML message needs one, so any DOCTYPE or ENTITY declaration is refused before parsing.
 */
export function parseXml(text: string, limits: XmlLimits): XmlDocument {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) {
    throw new XmlRefused('a DOCTYPE or ENTITY declaration is not allowed')
  }
  let document: XmlDocument
  try {
    document = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new XmlRefused(`malformed XML: ${message}`)
      },
    }).parseFromString(text, 'text/xml')
  } catch (error) {
    if (error instanceof XmlRefused) throw error
    throw new XmlRefused(`malformed XML: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (document.doctype !== null) throw new XmlRefused('a DOCTYPE is not allowed')
  const root = document.documentElement
  if (root === null) throw new XmlRefused('no root element')
  checkDepth(root, limits.maxDepth)
  return document
}

/** Walks the tree without recursion, so a hostile depth cannot exhaust the stack here. */
function checkDepth(root: XmlElement, maxDepth: number): void {
  const stack: Array<[XmlElement, number]> = [[root, 1]]
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [element, depth] = next
    if (depth > maxDepth) throw new XmlRefused(`elements nest deeper than ${maxDepth}`)
    for (const child of elementChildren(element)) stack.push([child, depth + 1])
  }
}

export function elementChildren(parent: XmlElement): XmlElement[] {
  const found: XmlElement[] = []
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === ELEMENT_NODE) found.push(node as XmlElement)
  }
  return found
}

export const isElement = (element: XmlElement, namespace: string, localName: string): boolean =>
  element.namespaceURI === namespace && element.localName === localName

export function childElements(parent: XmlElement, namespace: string, localName: string) {
  return elementChildren(parent).filter((child) => isElement(child, namespace, localName))
}

/** Every element below `root` (not `root` itself), in document order. */
export function descendants(root: XmlElement): XmlElement[] {
  const found: XmlElement[] = []
  const stack = elementChildren(root).reverse()
  for (let element = stack.pop(); element !== undefined; element = stack.pop()) {
    found.push(element)
    const children = elementChildren(element)
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!)
  }
  return found
}

/**
 * The element's whole text: every text and CDATA node below it, joined; comments contribute
 * nothing. Reading only the first text node is how comment injection (CVE-2017-11428) cut
 * `admin@example.com<!---->.evil.com` down to `admin@example.com`.
 */
export const textOf = (element: XmlElement): string => element.textContent ?? ''

/** An attribute's value, or undefined when the element has none (not ''). */
export function attribute(element: XmlElement, name: string): string | undefined {
  return element.hasAttribute(name) ? (element.getAttribute(name) ?? '') : undefined
}
