// The benchmark's floor: a fresh process that loads the Pulumi SDKs and does nothing else.
import "@pulumi/pulumi";
import "@pulumi/aws";
