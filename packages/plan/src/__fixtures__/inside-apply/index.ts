import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

// A deliberately wrong program: it creates a resource inside `apply`, which a
// real first preview never shows. The plan must catch it.
export = () => {
  const config = new pulumi.Config();
  const bucket = new aws.s3.Bucket("data", { bucket: "inside-apply-data" });
  bucket.arn.apply(
    (arn) => new aws.s3.BucketPolicy("data-policy", { bucket: bucket.id, policy: JSON.stringify({ Resource: arn }) }),
  );
  return { greeting: config.require("greeting"), token: config.requireSecret("token"), bucket: bucket.bucket };
};
