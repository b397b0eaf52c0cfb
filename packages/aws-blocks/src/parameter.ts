import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The largest value an SSM parameter holds: 8 KB in the advanced tier (4 KB in the standard tier), per
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html.
 */
export const parameterValueLimitBytes = 8192;

export interface JsonParameterArgs {
  /** The parameter's name (a path such as `/<prefix>/<stage>/spark/<domain>/run-job-flow`). */
  name: pulumi.Input<string>;
  description: pulumi.Input<string>;
  /** The document; serialized with `JSON.stringify` once its inputs resolve. */
  document: pulumi.Input<object>;
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A JSON document in SSM Parameter Store that readers (Airflow, the DAG library, operators) fetch at run time:
 * a plain `String` parameter - it holds ids and ARNs, never secrets - written through `insecureValue`, so plans show
 * the document instead of `[secret]`; the Intelligent-Tiering tier moves it to the advanced tier only if it outgrows
 * 4 KB. A document larger than the advanced tier's 8 KB fails when it resolves, naming the parameter, instead of at
 * the SSM API mid-update.
 */
export function jsonParameter(
  name: string,
  args: JsonParameterArgs,
  opts: pulumi.CustomResourceOptions,
): aws.ssm.Parameter {
  return new aws.ssm.Parameter(
    name,
    {
      name: args.name,
      description: args.description,
      type: "String",
      tier: "Intelligent-Tiering",
      insecureValue: pulumi
        .output(args.document)
        .apply((document: unknown) => serializeParameterDocument(name, document)),
      tags: args.tags,
    },
    opts,
  );
}

/** `document` as the parameter's value; throws, naming the parameter, when it is over `parameterValueLimitBytes`. */
export function serializeParameterDocument(name: string, document: unknown): string {
  const text = JSON.stringify(document);
  if (text === undefined) throw new Error(`${name}: the parameter's document is not JSON (got ${typeof document})`);
  const bytes = Buffer.byteLength(text, "utf8");
  if (bytes > parameterValueLimitBytes) {
    throw new Error(
      `${name}: the parameter's document is ${bytes} bytes; SSM parameters hold at most ${parameterValueLimitBytes} (advanced tier)`,
    );
  }
  return text;
}
