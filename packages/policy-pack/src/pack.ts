import { PolicyPack } from "@pulumi/policy";
import { policies, policyPackName } from "./policies";

// The entry point the Pulumi CLI runs (`pulumi preview --policy-pack packages/policy-pack`).
new PolicyPack(policyPackName, { enforcementLevel: "mandatory", policies });
