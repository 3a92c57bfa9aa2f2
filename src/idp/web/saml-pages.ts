// The pages of rolegate's /saml endpoint, as AWS's sign-in shows them after an IdP posts a
// response: the role chooser (one group per account, "Account: alias (id)", each role by name),
// the credentials that result (the identity, copyable `export` lines, and what
// `aws sts get-caller-identity` prints for the session), and a refusal in the AWS CLI's words.
import { markup, page } from './html.js'
import type { Html } from './html.js'

export interface SamlPageContext {
  nonce: string
  /** Where the chooser's form posts: this endpoint's path. */
  action: string
}

export interface ChooserAccount {
  accountId: string
  alias: string | undefined
  roles: readonly { roleArn: string; roleName: string }[]
}

/** "Account: alias (id)", as AWS's chooser names an account; the id alone without an alias. */
export const accountLabel = (accountId: string, alias: string | undefined) =>
  alias ? `${alias} (${accountId})` : accountId

export function chooserPage(
  context: SamlPageContext,
  options: {
    accounts: readonly ChooserAccount[]
    samlResponse: string
    relayState: string | undefined
    csrf: string
    error?: string
  },
): string {
  let index = 0
  const groups = options.accounts.map((account) => {
    const choices = account.roles.map((role) => {
      const id = `role-${index}`
      const checked = index === 0 ? markup` checked` : undefined
      index += 1
      return markup`<div class="role"><input type="radio" id="${id}" name="roleIndex" value="${role.roleArn}" required${checked}>
<label for="${id}">${role.roleName}<br><span class="muted">${role.roleArn}</span></label></div>`
    })
    return markup`<fieldset>
<legend>Account: ${accountLabel(account.accountId, account.alias)}</legend>
${choices}
</fieldset>`
  })
  const relayState =
    options.relayState === undefined
      ? undefined
      : markup`<input type="hidden" name="RelayState" value="${options.relayState}">`
  const alert =
    options.error === undefined
      ? undefined
      : markup`<p class="error" role="alert">${options.error}</p>`
  const body = markup`<div class="card">
<h1>Select a role</h1>
${alert}
<form method="post" action="${context.action}">
<input type="hidden" name="csrf" value="${options.csrf}">
<input type="hidden" name="SAMLResponse" value="${options.samlResponse}">
${relayState}
${groups}
<button type="submit">Sign in</button>
</form>
</div>`
  return page({ title: 'Select a role - rolegate', nonce: context.nonce, body })
}

export interface CredentialsView {
  roleName: string
  sessionName: string
  accountId: string
  alias: string | undefined
  expiration: string
  sourceIdentity: string | undefined
  exportLines: string
  callerIdentityJson: string
  /** The server's public URL: where the AWS CLI must send these credentials. */
  endpoint: string
}

export function credentialsPage(context: SamlPageContext, view: CredentialsView): string {
  const sourceIdentity =
    view.sourceIdentity === undefined
      ? undefined
      : markup`<dt>Source identity</dt><dd>${view.sourceIdentity}</dd>`
  const lines = view.exportLines.split('\n').length
  const body = markup`<div class="card">
<h1>Signed in as ${view.roleName}</h1>
<dl>
<dt>Account</dt><dd>${accountLabel(view.accountId, view.alias)}</dd>
<dt>Role</dt><dd>${view.roleName}</dd>
<dt>Session</dt><dd>${view.sessionName}</dd>
${sourceIdentity}
<dt>Expires</dt><dd><time datetime="${view.expiration}">${view.expiration}</time></dd>
</dl>
<h2><label for="credentials">Credentials for your shell</label></h2>
<textarea id="credentials" readonly rows="${lines + 4}" spellcheck="false" autocomplete="off" autocapitalize="none">${view.exportLines}</textarea>
<p class="muted">Anyone who holds these can act as ${view.roleName} until they expire. They are not shown again. The AWS CLI reaches rolegate with <code>export AWS_ENDPOINT_URL=${view.endpoint}</code>.</p>
<h2 id="caller-identity-heading">aws sts get-caller-identity</h2>
<pre id="caller-identity" aria-labelledby="caller-identity-heading" tabindex="0">${view.callerIdentityJson}</pre>
</div>`
  return page({ title: 'Credentials - rolegate', nonce: context.nonce, body, wide: true })
}

/** A refusal as the AWS CLI prints it: the code and message STS answered, nothing issued. */
export function refusalPage(
  context: SamlPageContext,
  options: { code: string; message: string; operation: string },
): string {
  const body = markup`<div class="card">
<h1>Sign-in refused</h1>
<p class="error" role="alert">An error occurred (<code>${options.code}</code>) when calling the ${options.operation} operation: ${options.message}</p>
<p>No credentials were issued. Sign in again at your identity provider.</p>
</div>`
  return page({ title: 'Sign-in refused - rolegate', nonce: context.nonce, body })
}

export function samlMessagePage(
  context: SamlPageContext,
  options: { title: string; message: string | Html },
): string {
  const body = markup`<div class="card">
<h1>${options.title}</h1>
<p role="alert">${options.message}</p>
</div>`
  return page({ title: `${options.title} - rolegate`, nonce: context.nonce, body })
}
