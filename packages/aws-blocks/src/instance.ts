/**
 * Instance metadata options of every launch template the components create (AWS Security Hub EC2.8): IMDSv2 only,
 * one hop (a container on the instance cannot reach the instance role's credentials through the metadata service),
 * no instance tags in the metadata. Property names of `aws.ec2.LaunchTemplate`'s `metadataOptions`.
 */
export const hardenedMetadataOptions = {
  httpEndpoint: "enabled",
  httpTokens: "required",
  httpPutResponseHopLimit: 1,
  instanceMetadataTags: "disabled",
} as const;
