// The slice of `oidc-provider` (v9, which ships no types) that test/support/oidc-provider-issuer.ts
// uses; written from its README, kept as small as that file needs.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  type Handler = (req: IncomingMessage, res: ServerResponse) => void

  interface Interaction {
    uid: string
    params: Record<string, unknown>
  }

  interface InteractionResult {
    login?: { accountId: string }
    consent?: { grantId: string }
  }

  interface Account {
    accountId: string
    claims(): Record<string, unknown> | Promise<Record<string, unknown>>
  }

  interface Configuration {
    clients?: Array<Record<string, unknown>>
    jwks?: { keys: Array<Record<string, unknown>> }
    cookies?: { keys: string[] }
    features?: Record<string, { enabled: boolean }>
    pkce?: { required: () => boolean }
    ttl?: Record<string, number>
    findAccount?: (ctx: unknown, sub: string) => Account | Promise<Account>
    interactions?: { url: (ctx: unknown, interaction: Interaction) => string | Promise<string> }
  }

  interface Grant {
    addOIDCScope(scope: string): void
    save(): Promise<string>
  }

  class Provider {
    constructor(issuer: string, configuration?: Configuration)
    readonly Grant: new (init: { accountId: string; clientId: string }) => Grant
    callback(): Handler
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResult,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>
  }

  export default Provider
}
