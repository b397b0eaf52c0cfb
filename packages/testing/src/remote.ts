/**
 * Synthetic outputs for remote (multi-language) components under Pulumi mocks.
 *
 * Under `pulumi.runtime.setMocks` a remote component is opaque: the SDK registers it with
 * `remote: true`, the mock sees only its type token and inputs, and whatever `state` the mock
 * returns becomes the component's outputs. Keys missing from `state` resolve to `undefined`,
 * except keys that are also inputs: those are echoed back from the inputs.
 *
 * The platform uses one remote component: the Helm v4 `Chart` of @pulumi/kubernetes 4.34.2
 * (`helm/v4/chart.d.ts`). The network is built from `aws.ec2` resources and the cluster from
 * `aws.eks.Cluster`, so neither needs a re-implementation here.
 */

/** Synthetic state of a remote component, or undefined for a type this harness does not know. */
export function remoteComponentState(type: string): Record<string, unknown> | undefined {
  switch (type) {
    case "kubernetes:helm.sh/v4:Chart":
      // `resources: Output<any[]>` holds references to the rendered children (Deployments, ...).
      // Nothing is rendered under mocks; an empty list keeps `dependsOn: chart.resources` valid.
      return { resources: [] };
    default:
      return undefined;
  }
}
