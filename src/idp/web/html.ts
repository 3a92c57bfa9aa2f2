// Server-rendered HTML for the sign-in pages: every value goes through escape() on its way into
// the markup (text and attribute values alike), the style and script carry the response's CSP
// nonce, and the layout reads at 360 px and works with a keyboard alone (native controls, visible
// focus, labels tied to their fields).

/** `& < > " '` as entities: safe in text and in double- or single-quoted attribute values. */
export function escape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** Markup already escaped; only markup`` and page() make it. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup
  }
}

type Part = string | number | Html | readonly Html[] | undefined | null | false

/**
 * A template whose interpolated values are escaped unless they are Html already (not named
 * `html`, which Prettier would reformat as a document of its own).
 */
export function markup(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0] ?? ''
  parts.forEach((part, i) => {
    if (part instanceof Html) out += part.markup
    else if (Array.isArray(part)) out += (part as readonly Html[]).map((p) => p.markup).join('')
    else if (part !== undefined && part !== null && part !== false) out += escape(String(part))
    out += strings[i + 1] ?? ''
  })
  return new Html(out)
}

const STYLE = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#16191f;background:#f2f3f3}
main{max-width:28rem;margin:0 auto;padding:1.5rem 1rem}
main.wide{max-width:44rem}
.card{background:#fff;border:1px solid #d5dbdb;border-radius:8px;padding:1.25rem}
h1{font-size:1.375rem;margin:0 0 1rem}
p{margin:0 0 1rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
input[type=text],input[type=password]{display:block;width:100%;font:inherit;padding:.5rem .625rem;border:1px solid #687078;border-radius:4px;margin:0 0 1rem}
button{font:inherit;font-weight:600;min-height:2.75rem;padding:.5rem 1.25rem;border:0;border-radius:4px;background:#0a4a74;color:#fff;cursor:pointer}
button.link{background:none;color:#0a4a74;text-decoration:underline;padding:.5rem 0;min-height:0}
:focus-visible{outline:3px solid #ec7211;outline-offset:2px}
.error{border-left:4px solid #d13212;background:#fdf3f1;padding:.5rem .75rem;margin:0 0 1rem}
fieldset{border:0;margin:0 0 1rem;padding:0;min-width:0}
legend{font-weight:600;margin:0 0 .5rem;padding:0}
.role{display:flex;gap:.625rem;align-items:flex-start;padding:.625rem;border:1px solid #d5dbdb;border-radius:4px;margin:0 0 .5rem;overflow-wrap:anywhere}
.role input{margin:.3rem 0 0;width:1.125rem;height:1.125rem;flex:none}
.role label{font-weight:400;margin:0}
.muted{color:#545b64;font-size:.875rem}
h2{font-size:1.0625rem;margin:1.25rem 0 .5rem}
dl{margin:0 0 1rem;display:grid;grid-template-columns:auto 1fr;gap:.25rem .75rem}
dt{font-weight:600}
dd{margin:0;min-width:0;overflow-wrap:anywhere}
code,pre,textarea{font:.875rem/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
pre{margin:0 0 1rem;padding:.625rem;background:#f2f3f3;border:1px solid #d5dbdb;border-radius:4px;white-space:pre-wrap;overflow-wrap:anywhere}
textarea{display:block;width:100%;padding:.5rem .625rem;border:1px solid #687078;border-radius:4px;margin:0 0 .5rem;resize:vertical;overflow-wrap:anywhere}
.error code{font-weight:600}
footer{margin-top:1rem}
`

export interface PageOptions {
  title: string
  nonce: string
  body: Html
  /** An inline script (the auto-submitting form); none otherwise. */
  script?: string
  /** A wider column, for pages that show long values (credentials). */
  wide?: boolean
}

export function page(options: PageOptions): string {
  const script =
    options.script === undefined
      ? ''
      : markup`<script nonce="${options.nonce}">${new Html(options.script)}</script>`.markup
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${escape(options.title)}</title>
<style nonce="${escape(options.nonce)}">${STYLE}</style>
</head>
<body>
<main${options.wide === true ? ' class="wide"' : ''}>
${options.body.markup}
</main>
${script}
</body>
</html>
`
}
