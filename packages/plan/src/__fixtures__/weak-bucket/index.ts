import * as aws from "@pulumi/aws";

// A deliberately weakened lake bucket: SSE-S3 instead of a customer key, and none
// of the other controls. The policy pack must stop it.
export = () => {
  const bucket = new aws.s3.Bucket("raw", { bucket: "weak-raw-data" });
  new aws.s3.BucketServerSideEncryptionConfiguration("raw-encryption", {
    bucket: bucket.bucket,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
  });
  return { bucket: bucket.bucket };
};
