import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The platform's single-user image sources (Dockerfile, pinned requirements, build-time checks). */
export const notebookImageDir = path.resolve(__dirname, "..", "image");

/** The z2jh chart's sample single-user image: no `jupyter-collaboration` (z2jh 4.4.0 images/singleuser-sample). */
export const chartSampleImageName = "quay.io/jupyterhub/k8s-singleuser-sample";

/** Never build inputs: documentation, hidden files (`.DS_Store`, editor state), Python caches, editor backups. */
function ignored(name: string): boolean {
  return (
    name.startsWith(".") ||
    name === "__pycache__" ||
    name.endsWith(".md") ||
    name.endsWith(".pyc") ||
    name.endsWith("~")
  );
}

/**
 * Build inputs of the image: every file under `dir` except documentation, hidden files, Python caches and editor
 * backups, as sorted `/`-separated relative paths (what is committed, so CI and a local run agree on the tag).
 */
export function notebookImageInputs(dir: string = notebookImageDir): string[] {
  const walk = (relative: string): string[] =>
    fs.readdirSync(path.join(dir, relative), { withFileTypes: true }).flatMap((entry) => {
      if (ignored(entry.name)) return [];
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) return walk(child);
      return entry.isFile() ? [child] : [];
    });
  return walk("").sort();
}

/**
 * Tag of the platform image: `sha-` and 16 hex of the sha256 over its build inputs (`notebookImageInputs`, by
 * path and content). The image is rebuilt exactly when an input changes; CI builds and pushes it under this
 * tag (`bin/publish-image.sh`), and the hub refers to the same tag.
 */
export function notebookImageTag(dir: string = notebookImageDir): string {
  const files = notebookImageInputs(dir);
  if (!files.includes("Dockerfile")) throw new Error(`notebook image directory ${dir} has no Dockerfile`);
  const hash = createHash("sha256");
  // Line endings normalised: a CRLF checkout (core.autocrlf) hashes like the LF one CI builds.
  for (const file of files)
    hash
      .update(file)
      .update("\0")
      .update(fs.readFileSync(path.join(dir, file), "latin1").replace(/\r\n/g, "\n"), "latin1")
      .update("\0");
  return `sha-${hash.digest("hex").slice(0, 16)}`;
}

/** Name of the ECR repository of the platform image in one stage. */
export function notebookImageRepositoryName(prefix: string, stage: string): string {
  return `${prefix}-${stage}/notebooks/singleuser`;
}
