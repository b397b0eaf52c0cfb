import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { policyDocument, type PolicyDocument } from "@data-platform/aws-blocks";

/**
 * The PEM certificates EMR's in-transit encryption reads from a zip in S3: `privateKey.pem` and
 * `certificateChain.pem` required, `trustedCertificates.pem` when the chain does not lead to a Java default
 * CA (https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-encryption-enable.html#emr-encryption-pem-certificate).
 */
export const tlsZipKey = "emr/tls/certificates.zip";

/**
 * The wildcard name EMR's nodes answer to: `*.ec2.internal` in us-east-1, `*.<region>.compute.internal` elsewhere (the VPC's default DNS names).
 * @internal Exported for its tests only; not part of the package's API.
 */
export function nodeDnsName(region: string): string {
  return region === "us-east-1" ? "*.ec2.internal" : `*.${region}.compute.internal`;
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * A zip (stored, no compression) of the given files, byte-identical for identical content: entries sorted by
 * name and dated 1980-01-01, so a `pulumi up` with unchanged certificates changes nothing.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function deterministicZip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  const dosTime = 0;
  const dosDate = (0 << 9) | (1 << 5) | 1;
  for (const name of Object.keys(files).sort()) {
    const data = Buffer.from(files[name]!, "utf8");
    const fileName = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(dosTime, 10);
    local.writeUInt16LE(dosDate, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4); // made by: Unix, 3.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(dosTime, 12);
    central.writeUInt16LE(dosDate, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE((0o100600 << 16) >>> 0, 38); // external attributes: a regular file, owner read/write
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0, 4);
  end.writeUInt16LE(0, 6);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20);
  return Buffer.concat([...locals, directory, end]);
}

/** The files EMR expects in the zip, from the node key and certificate and the CA that signed it. */
export function certificateFiles(input: {
  nodePrivateKeyPem: string;
  nodeCertificatePem: string;
  caCertificatePem: string;
}): Record<string, string> {
  return {
    "privateKey.pem": input.nodePrivateKeyPem,
    "certificateChain.pem": `${input.nodeCertificatePem.trimEnd()}\n${input.caCertificatePem.trimEnd()}\n`,
    "trustedCertificates.pem": input.caCertificatePem,
  };
}

/** The EMR instance roles read exactly the certificates object (and decrypt it through S3 only, when its bucket's key is named). */
export function tlsReadPolicy(input: { objectArn: string; keyArn?: string; region: string }): PolicyDocument {
  return policyDocument([
    { Effect: "Allow", Action: ["s3:GetObject", "s3:GetObjectVersion"], Resource: input.objectArn },
    ...(input.keyArn
      ? [
          {
            Effect: "Allow" as const,
            Action: ["kms:Decrypt", "kms:DescribeKey"],
            Resource: input.keyArn,
            Condition: { StringEquals: { "kms:ViaService": `s3.${input.region}.amazonaws.com` } },
          },
        ]
      : []),
  ]);
}

/** `s3://bucket/key` as the object's ARN. */
export function s3ObjectArn(uri: string, partition = "aws"): string {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`"${uri}" is not an s3://bucket/key URI`);
  return `arn:${partition}:s3:::${match[1]}/${match[2]}`;
}

export interface GeneratedCertificates {
  /** The zip in S3 (its content is secret: it holds the nodes' private key). */
  object: aws.s3.BucketObjectv2;
  s3Uri: pulumi.Output<string>;
  /** The signing CA: its private key never leaves the state (a secret there), only its certificate is shipped. */
  caCertificate: tls.SelfSignedCert;
  nodeCertificate: tls.LocallySignedCert;
}

/**
 * A private CA and a node certificate for `*.<region>.compute.internal` (RSA 2048), generated at deployment by
 * the TLS provider, zipped as EMR expects and uploaded to the artifacts bucket. The node certificate is valid a
 * year and is re-issued by the first `pulumi up` in its last 30 days; the CA lasts five years.
 */
export function generateCertificates(
  parent: pulumi.Resource,
  name: string,
  input: { bucket: pulumi.Input<string>; region: pulumi.Output<string>; subject: string },
): GeneratedCertificates {
  const child = { parent };
  const caKey = new tls.PrivateKey(`${name}-tls-ca-key`, { algorithm: "RSA", rsaBits: 2048 }, child);
  const caCertificate = new tls.SelfSignedCert(
    `${name}-tls-ca`,
    {
      privateKeyPem: caKey.privateKeyPem,
      isCaCertificate: true,
      subject: { commonName: `${input.subject} EMR in-transit CA`, organization: input.subject },
      validityPeriodHours: 5 * 365 * 24,
      earlyRenewalHours: 90 * 24,
      allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
    },
    child,
  );
  const nodeKey = new tls.PrivateKey(`${name}-tls-node-key`, { algorithm: "RSA", rsaBits: 2048 }, child);
  const dnsName = input.region.apply(nodeDnsName);
  const request = new tls.CertRequest(
    `${name}-tls-node-request`,
    {
      privateKeyPem: nodeKey.privateKeyPem,
      subject: { commonName: dnsName, organization: input.subject },
      dnsNames: [dnsName],
    },
    child,
  );
  const nodeCertificate = new tls.LocallySignedCert(
    `${name}-tls-node`,
    {
      certRequestPem: request.certRequestPem,
      caPrivateKeyPem: caKey.privateKeyPem,
      caCertPem: caCertificate.certPem,
      validityPeriodHours: 365 * 24,
      earlyRenewalHours: 30 * 24,
      allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
    },
    child,
  );
  const zip = pulumi.secret(
    pulumi
      .all([nodeKey.privateKeyPemPkcs8, nodeCertificate.certPem, caCertificate.certPem])
      .apply(([nodePrivateKeyPem, nodeCertificatePem, caCertificatePem]) =>
        deterministicZip(certificateFiles({ nodePrivateKeyPem, nodeCertificatePem, caCertificatePem })).toString(
          "base64",
        ),
      ),
  );
  const object = new aws.s3.BucketObjectv2(
    `${name}-tls-certificates`,
    { bucket: input.bucket, key: tlsZipKey, contentBase64: zip, contentType: "application/zip" },
    { parent, additionalSecretOutputs: ["contentBase64"] },
  );
  return { object, s3Uri: pulumi.interpolate`s3://${object.bucket}/${object.key}`, caCertificate, nodeCertificate };
}
