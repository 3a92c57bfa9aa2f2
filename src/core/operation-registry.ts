// The operations one Query service serves, looked up by their `Action`; an action it does not
// serve is InvalidAction in AWS's words.
import { AwsError } from './errors.js'

export class OperationRegistry<Op extends { readonly name: string }> {
  private readonly byName: ReadonlyMap<string, Op>

  constructor(
    private readonly version: string,
    operations: readonly Op[],
  ) {
    this.byName = new Map(operations.map((operation) => [operation.name, operation]))
  }

  has(action: string): boolean {
    return this.byName.has(action)
  }

  find(action: string): Op | undefined {
    return this.byName.get(action)
  }

  /** The operation for `action`, or AWS's InvalidAction. */
  get(action: string): Op {
    const operation = this.byName.get(action)
    if (!operation) {
      throw new AwsError(
        'InvalidAction',
        `Could not find operation ${action} for version ${this.version}`,
      )
    }
    return operation
  }
}
