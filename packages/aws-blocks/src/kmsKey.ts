import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { KeyPolicyDocument } from "./policies";

/** KMS's longest waiting period before a scheduled key deletion (7 to 30 days). */
export const defaultKeyDeletionWindowInDays = 30;

export interface ProtectedKeyArgs {
  description: string;
  /** The alias without its `alias/` prefix (a `kmsAlias` physical name). */
  alias: string;
  /** Built by `keyPolicyDocument`, so the administration statement is always there. */
  policy: pulumi.Input<KeyPolicyDocument>;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Protect the key and retain it when removed from the program (a key that encrypted data must outlive its stack). */
  protect: boolean;
  /** @default 30 (KMS allows 7 to 30) */
  deletionWindowInDays?: number;
}

/**
 * The platform's customer-managed key: symmetric, yearly automatic rotation, a deletion window, a key policy that
 * always names its administrators, protected and retained on delete when `protect` is set, and its alias
 * (`<name>-alias`, parented like the key). Every component key is built here.
 */
export function protectedKey(parent: pulumi.Resource, name: string, args: ProtectedKeyArgs): aws.kms.Key {
  const deletionWindowInDays = args.deletionWindowInDays ?? defaultKeyDeletionWindowInDays;
  if (!Number.isInteger(deletionWindowInDays) || deletionWindowInDays < 7 || deletionWindowInDays > 30) {
    throw new Error(
      `${name}: deletionWindowInDays must be a whole number of days from 7 to 30 (KMS's range), got ${deletionWindowInDays}`,
    );
  }
  const key = new aws.kms.Key(
    name,
    {
      description: args.description,
      enableKeyRotation: true,
      deletionWindowInDays,
      policy: pulumi.output(args.policy).apply((policy) => JSON.stringify(policy)),
      tags: args.tags,
    },
    { parent, protect: args.protect, retainOnDelete: args.protect },
  );
  new aws.kms.Alias(`${name}-alias`, { name: `alias/${args.alias}`, targetKeyId: key.keyId }, { parent });
  return key;
}

/** What a component's key policy is built from, once resolved: the account facts and the key's administrators. */
export interface KeyPolicyContext {
  partition: string;
  region: string;
  accountId: string;
  administratorArns: string[];
}

/**
 * A key policy built by `build` once the account facts and the administrators resolve - the one way the components
 * turn their inputs into a `protectedKey` policy (`policy: keyPolicyOf({ partition, region, accountId,
 * administratorArns }, (context) => serviceKeyPolicy({ ...context, services }))`).
 */
export function keyPolicyOf(
  inputs: {
    partition: pulumi.Input<string>;
    region: pulumi.Input<string>;
    accountId: pulumi.Input<string>;
    administratorArns: pulumi.Input<pulumi.Input<string>[]>;
  },
  build: (context: KeyPolicyContext) => KeyPolicyDocument,
): pulumi.Output<KeyPolicyDocument> {
  return pulumi
    .all([inputs.partition, inputs.region, inputs.accountId, pulumi.output(inputs.administratorArns)])
    .apply(([partition, region, accountId, administratorArns]) =>
      build({ partition, region, accountId, administratorArns: [...administratorArns] }),
    );
}
