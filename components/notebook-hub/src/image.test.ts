import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { notebookImageDir, notebookImageInputs, notebookImageTag } from "./image";

function copyImage(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "notebook-image-"));
  fs.cpSync(notebookImageDir, dir, { recursive: true });
  return dir;
}

describe("the platform notebook image", () => {
  it("hashes every build input, nested ones included, and no documentation", () => {
    const inputs = notebookImageInputs();
    expect(inputs).toEqual(
      expect.arrayContaining([
        "Dockerfile",
        "requirements.txt",
        "requirements-spark.txt",
        "verify_image.py",
        "spark/fetch_spark_jars.py",
        "spark/spark-defaults.conf",
        "spark/spark-jars.txt",
      ]),
    );
    expect(inputs.filter((file) => file.endsWith(".md"))).toEqual([]);
    expect(notebookImageTag()).toMatch(/^sha-[0-9a-f]{16}$/);
  });

  it("changes the tag exactly when a build input changes", () => {
    const dir = copyImage();
    const before = notebookImageTag(dir);
    expect(before).toBe(notebookImageTag());
    fs.appendFileSync(path.join(dir, "README.md"), "\nmore prose\n");
    fs.writeFileSync(path.join(dir, ".DS_Store"), "finder");
    fs.mkdirSync(path.join(dir, "spark", "__pycache__"));
    fs.writeFileSync(path.join(dir, "spark", "__pycache__", "fetch_spark_jars.cpython-312.pyc"), "bytecode");
    fs.writeFileSync(path.join(dir, "Dockerfile~"), "backup");
    expect(notebookImageTag(dir)).toBe(before);
    // A CRLF checkout of the same files has the same tag.
    const requirements = path.join(dir, "requirements.txt");
    fs.writeFileSync(requirements, fs.readFileSync(requirements, "utf8").replace(/\n/g, "\r\n"));
    expect(notebookImageTag(dir)).toBe(before);
    fs.appendFileSync(path.join(dir, "spark", "spark-defaults.conf"), "\n# changed\n");
    const afterNested = notebookImageTag(dir);
    expect(afterNested).not.toBe(before);
    fs.writeFileSync(path.join(dir, "extra.txt"), "new input");
    expect(notebookImageTag(dir)).not.toBe(afterNested);
    fs.rmSync(dir, { recursive: true });
  });

  it("refuses a directory without a Dockerfile", () => {
    const dir = copyImage();
    fs.rmSync(path.join(dir, "Dockerfile"));
    expect(() => notebookImageTag(dir)).toThrow(/has no Dockerfile/);
    fs.rmSync(dir, { recursive: true });
  });

  it("builds as a non-root user and pins its base image", () => {
    const dockerfile = fs.readFileSync(path.join(notebookImageDir, "Dockerfile"), "utf8");
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((match) => match[1]);
    expect(users.at(-1)).toBe("1000");
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=quay\.io\/jupyterhub\/k8s-singleuser-sample:4\.4\.0/m);
    expect(dockerfile).not.toMatch(/:latest\b/);
  });
});
