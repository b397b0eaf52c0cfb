import * as pulumi from "@pulumi/pulumi";

// Wire-level markers the Pulumi SDK uses inside deserialized mock inputs.
const sigKey = pulumi.runtime.specialSigKey;
const secretSig = pulumi.runtime.specialSecretSig;
const resourceSig = pulumi.runtime.specialResourceSig;
const assetSig = pulumi.runtime.specialAssetSig;
const archiveSig = pulumi.runtime.specialArchiveSig;

export const secretMarker = "[secret]";
export const unknownMarker = "[unknown]";

function isUnknown(value: unknown): boolean {
  // `pulumi.Unknown` sentinel the SDK hands to mocks during a preview.
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { constructor?: { name?: string } }).constructor?.name === "Unknown"
  );
}

export interface PlainOptions {
  /** Keep secret values instead of "[secret]" (for policy evaluation, never for output). */
  reveal?: boolean;
  /** Set to true when a secret was met. */
  sawSecret?: { value: boolean };
}

/**
 * Turns mock inputs (or resolved outputs) into plain JSON: secrets become
 * "[secret]", unknowns "[unknown]", resource references their URN, assets their path.
 */
export function toPlain(value: unknown, options: PlainOptions = {}): unknown {
  if (value === undefined) return undefined;
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return value;
  if (value === pulumi.runtime.unknownValue || isUnknown(value)) return unknownMarker;
  if (Array.isArray(value)) return value.map((element) => (element === undefined ? null : toPlain(element, options)));
  if (pulumi.Resource.isInstance(value)) return `[resource ${(value as { __name?: string }).__name ?? ""}]`;
  if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) {
    const asset = value as { path?: Promise<string>; text?: Promise<string> };
    return asset.path ? "[asset file]" : "[asset]";
  }
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    switch (record[sigKey]) {
      case secretSig:
        if (options.sawSecret) options.sawSecret.value = true;
        return options.reveal ? toPlain(record["value"], options) : secretMarker;
      case resourceSig:
        return String(record["urn"] ?? "[resource]");
      case assetSig:
      case archiveSig:
        return "[asset]";
    }
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(record).sort()) {
      const plain = toPlain(record[key], options);
      if (plain !== undefined) result[key] = plain;
    }
    return result;
  }
  return String(value);
}

/** Unwraps a deserialized secret to its value (for mocks that echo inputs as state). */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (pulumi.Resource.isInstance(value)) return value;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    if (record[sigKey] === secretSig) return unwrapSecrets(record["value"]);
    if (record[sigKey]) return value;
    return Object.fromEntries(Object.entries(record).map(([key, element]) => [key, unwrapSecrets(element)]));
  }
  return value;
}
