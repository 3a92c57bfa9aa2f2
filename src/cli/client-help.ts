// Help texts of the client commands, which call a running server's API (kept apart so the serve
// options can list them without loading the client).

export const CLIENT_COMMANDS_HELP = `  issuer    built-in OIDC issuers: create, delete, get, list, rotate-key
  token     mint a token from a built-in issuer
  keys      the STS session keyring: rotate, list, retire, delete; rotate-master
  accounts  create another account with its own admin
  roles     revoke-sessions ROLE: deny a role's sessions issued before now
  cluster   Kubernetes clusters: create, delete, list, get, apply, map-role, map-user, unmap, ...

Client commands talk to a running server: --endpoint URL (or AWS_ENDPOINT_URL), credentials
from the AWS SDK's chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile named by --profile
or AWS_PROFILE with keys, credential_process, a role, web identity or SSO, or
AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN; roles are assumed through the server's own STS),
and AWS_CA_BUNDLE (or --ca-bundle) for a server with its own CA. 'rolegate COMMAND --help' for
more.
`

export const CLIENT_OPTIONS_HELP = `Connection options:
  --endpoint URL         the server (default AWS_ENDPOINT_URL_ROLEGATE, AWS_ENDPOINT_URL, or
                         endpoint_url in the profile)
  --profile NAME         a profile of the shared credentials/config files (default AWS_PROFILE)
  --region REGION        the signing region (default AWS_REGION, AWS_DEFAULT_REGION, region in
                         the profile, us-east-1)
  --ca-bundle FILE       CA certificates to trust instead of the system's (default AWS_CA_BUNDLE,
                         or ca_bundle in the profile)
  -h, --help             show this help
`

export const ISSUER_HELP = `Usage: rolegate issuer <create|delete|get|list|rotate-key> [NAME] [options]

Built-in OIDC issuers, served at PUBLIC_URL/issuers/ACCOUNT/NAME with their discovery document
and JWKS. Names are per account; the URL names the account, so no other account can ever serve it.

  create NAME [--algorithm RS256|ES256]   create an issuer with a fresh signing key (RS256)
  delete NAME [--force]                   delete it and its keys; its tokens stop verifying.
                                          Refused while an IAM OIDC provider in any account
                                          still trusts its URL, unless --force
  get NAME                                the issuer and its published keys
  list                                    the issuers of the caller's account
  rotate-key NAME [--algorithm ALG]       sign with a new key from now on; the old key stays in
                                          the JWKS until every token it signed has expired (24h)

${CLIENT_OPTIONS_HELP}`

export const TOKEN_HELP = `Usage: rolegate token --issuer NAME --sub SUBJECT --aud AUDIENCE [options]

Prints a signed JWT from a built-in issuer. For a system:serviceaccount:NAMESPACE:NAME subject
it has the shape of a Kubernetes projected service-account token (the kubernetes.io claim).

  --issuer NAME          the built-in issuer
  --sub SUBJECT          the sub claim
  --aud AUDIENCE         an audience; repeat for several
  --ttl SECONDS          lifetime, 1 to 86400 (default 3600)
  --claim KEY=VALUE      an extra claim with a string value; KEY:=JSON for any JSON value
  --pod NAME             bind a service-account token to this pod (kubernetes.io.pod)

${CLIENT_OPTIONS_HELP}`

export const KEYS_HELP = `Usage: rolegate keys <rotate|list|retire|delete> [KEY_ID] [options]

The STS session keyring: the newest key not retired seals new session tokens; every key still
stored opens them. Only principals of the server's primary account may manage it.

  rotate                 add a key that seals from now on
  list                   the keys (never their secrets)
  retire KEY_ID          stop a key sealing; sessions it sealed stay valid
  delete KEY_ID          remove a retired key; sessions it sealed stop working

  rotate-master [--data DIR | --database-url URL] [--master-key-file FILE]
                         seal every stored secret with a new master key; works on the database
                         directly (rolegate keys rotate-master --help)

${CLIENT_OPTIONS_HELP}`

export const ACCOUNTS_HELP = `Usage: rolegate accounts create ACCOUNT_ID [options]

Creates another account on this server with an IAM user admin (AdministratorAccess) and prints
its access key, once. Only principals of the server's primary account may do this.

${CLIENT_OPTIONS_HELP}`

export const ROLES_HELP = `Usage: rolegate roles revoke-sessions ROLE [options]

Revokes the role's sessions issued before now, as the AWS console does: puts the inline policy
AWSRevokeOlderSessions, denying everything when aws:TokenIssueTime is older than now (IAM
PutRolePolicy; needs iam:PutRolePolicy on the role).

${CLIENT_OPTIONS_HELP}`
