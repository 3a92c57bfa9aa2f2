// Builds the XML the IdP sends out (metadata, SAML responses) as a DOM through @xmldom/xmldom, so
// every name, value and text is escaped by the library, never by string templates of ours.
import { DOMImplementation, XMLSerializer } from '@xmldom/xmldom'
import type { Document, Element } from '@xmldom/xmldom'

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'

export interface XmlBuilder {
  document: Document
  root: Element
  /** A child element in `namespace` under `parent`; attributes and text as given, in order. */
  add(
    parent: Element,
    namespace: string,
    qualifiedName: string,
    attributes?: Readonly<Record<string, string>>,
    text?: string,
  ): Element
}

export function xmlDocument(
  namespace: string,
  qualifiedName: string,
  attributes: Readonly<Record<string, string>> = {},
): XmlBuilder {
  const document = new DOMImplementation().createDocument(namespace, qualifiedName, null)
  const root = document.documentElement
  if (!root) throw new Error('xml: no document element')
  for (const [name, value] of Object.entries(attributes)) root.setAttribute(name, value)
  return {
    document,
    root,
    add(parent, ns, name, attrs = {}, text) {
      const element = document.createElementNS(ns, name)
      for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, value)
      if (text !== undefined) element.appendChild(document.createTextNode(text))
      parent.appendChild(element)
      return element
    },
  }
}

/**
 * Indents the tree with whitespace between elements, for documents people read (metadata); not
 * for signed ones, whose whitespace a signature would cover.
 */
export function indent(builder: XmlBuilder, element: Element = builder.root, depth = 0): void {
  const elements: Element[] = []
  for (let node = element.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === 1) elements.push(node as Element)
  }
  if (elements.length === 0) return
  for (const child of elements) {
    element.insertBefore(builder.document.createTextNode(`\n${'  '.repeat(depth + 1)}`), child)
    indent(builder, child, depth + 1)
  }
  element.appendChild(builder.document.createTextNode(`\n${'  '.repeat(depth)}`))
}

export const serialize = (builder: XmlBuilder): string =>
  new XMLSerializer().serializeToString(builder.document)
