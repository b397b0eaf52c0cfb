import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The platform's single-user image sources (Dockerfile, pinned requirements, build-time checks). */
export const notebookImageDir = path.resolve(__dirname, "..", "image");

/** The z2jh chart's sample single-user image: no `jupyter-collaboration` (z2jh 4.4.0 images/singleuser-sample). */
export const chartSampleImageName = "quay.io/jupyterhub/k8s-singleuser-sample";

/**
 * Tag of the platform image: `sha-` and 16 hex of the sha256 over the build inputs (every file of the image
 * directory except documentation, by name). The image is rebuilt exactly when an input changes; CI builds and
 * pushes it under this tag (`bin/publish-image.sh`), and the hub refers to the same tag.
 */
export function notebookImageTag(dir: string = notebookImageDir): string {
  const files = fs
    .readdirSync(dir)
    .filter((file) => !file.endsWith(".md"))
    .sort();
  if (!files.includes("Dockerfile")) throw new Error(`notebook image directory ${dir} has no Dockerfile`);
  const hash = createHash("sha256");
  for (const file of files) hash.update(file).update("\0").update(fs.readFileSync(path.join(dir, file))).update("\0");
  return `sha-${hash.digest("hex").slice(0, 16)}`;
}

/** Name of the ECR repository of the platform image in one stage. */
export function notebookImageRepositoryName(prefix: string, stage: string): string {
  return `${prefix}-${stage}/notebooks/singleuser`;
}
