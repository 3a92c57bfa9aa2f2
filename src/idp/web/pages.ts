// The sign-in pages themselves: the login form, the one-time code prompt, the role chooser (the
// account's alias and id, and each role's name, as AWS's own chooser shows them), the form that
// posts the signed response on to the SAML endpoint, and plain messages.
import type { OfferedRole } from '../identity-provider.js'
import { markup, page } from './html.js'
import type { Html } from './html.js'

export interface PageContext {
  accountId: string
  nonce: string
  csrf: string
  /** Where this account's forms post: `/idp/ACCOUNT`. */
  base: string
}

const csrfField = (context: PageContext) =>
  markup`<input type="hidden" name="csrf" value="${context.csrf}">`

const alert = (message: string | undefined) =>
  message === undefined ? undefined : markup`<p class="error" role="alert">${message}</p>`

export function loginPage(
  context: PageContext,
  options: { error?: string; userName?: string } = {},
): string {
  // After a failed try the name stays filled in, and the password is what to type next.
  const again = options.userName !== undefined && options.userName !== ''
  const focusName = again ? undefined : markup` autofocus`
  const focusPassword = again ? markup` autofocus` : undefined
  const body = markup`<div class="card">
<h1>Sign in to AWS</h1>
<p class="muted">Account ${context.accountId}</p>
${alert(options.error)}
<form method="post" action="${context.base}/sso">
${csrfField(context)}
<label for="username">User name</label>
<input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="64" value="${options.userName ?? ''}"${focusName}>
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required maxlength="128"${focusPassword}>
<button type="submit">Sign in</button>
</form>
</div>`
  return page({ title: 'Sign in - rolegate', nonce: context.nonce, body })
}

export function totpPage(context: PageContext, options: { error?: string } = {}): string {
  const body = markup`<div class="card">
<h1>Enter your code</h1>
<p>Open your authenticator app and enter the 6-digit code it shows for rolegate.</p>
${alert(options.error)}
<form method="post" action="${context.base}/totp">
${csrfField(context)}
<label for="code">Code</label>
<input type="text" id="code" name="code" inputmode="numeric" pattern="[0-9]{6}" autocomplete="one-time-code" required maxlength="6" autofocus>
<button type="submit">Verify</button>
</form>
</div>
${signOutForm(context)}`
  return page({ title: 'Verify - rolegate', nonce: context.nonce, body })
}

function signOutForm(context: PageContext): Html {
  return markup`<footer><form method="post" action="${context.base}/sign-out">
${csrfField(context)}<button type="submit" class="link">Sign out</button>
</form></footer>`
}

export function rolesPage(
  context: PageContext,
  options: { roles: readonly OfferedRole[]; alias: string | undefined; userName: string },
): string {
  const account = options.alias
    ? `Account: ${options.alias} (${context.accountId})`
    : `Account: ${context.accountId}`
  const choices = options.roles.map((role, i) => {
    const id = `role-${i}`
    const checked = i === 0 ? markup` checked` : undefined
    return markup`<div class="role"><input type="radio" id="${id}" name="role" value="${role.roleArn}" required${checked}>
<label for="${id}">${role.roleName}<br><span class="muted">${role.roleArn}</span></label></div>`
  })
  const body = markup`<div class="card">
<h1>Select a role</h1>
<p class="muted">Signed in as ${options.userName}</p>
<form method="post" action="${context.base}/roles">
${csrfField(context)}
<fieldset>
<legend>${account}</legend>
${choices}
</fieldset>
<button type="submit">Sign in</button>
</form>
</div>
${signOutForm(context)}`
  return page({ title: 'Select a role - rolegate', nonce: context.nonce, body })
}

/** Posts the response to the SAML endpoint at once; a button where scripts do not run. */
export function postPage(
  context: PageContext,
  options: { action: string; samlResponse: string; role: OfferedRole },
): string {
  const body = markup`<div class="card">
<h1>Signing in to AWS</h1>
<p>Signing in as ${options.role.roleName}&hellip;</p>
<form method="post" action="${options.action}" id="saml-post">
<input type="hidden" name="SAMLResponse" value="${options.samlResponse}">
<button type="submit">Continue</button>
</form>
</div>`
  return page({
    title: 'Signing in - rolegate',
    nonce: context.nonce,
    body,
    script: "document.getElementById('saml-post').submit()",
  })
}

export function messagePage(
  context: PageContext,
  options: { title: string; message: string; signOut?: boolean; again?: boolean },
): string {
  const again =
    options.again === true
      ? markup`<p><a href="${context.base}/sso">Sign in again</a></p>`
      : undefined
  const body = markup`<div class="card">
<h1>${options.title}</h1>
<p role="alert">${options.message}</p>
${again}
</div>
${options.signOut === true ? signOutForm(context) : undefined}`
  return page({ title: `${options.title} - rolegate`, nonce: context.nonce, body })
}
