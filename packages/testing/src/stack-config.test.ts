import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readStackConfigFile } from "./stack-config";

function stackFile(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-config-"));
  const file = path.join(dir, "Pulumi.test.yaml");
  fs.writeFileSync(file, text);
  return file;
}

describe("readStackConfigFile", () => {
  it("passes encrypted values as the secret [secret], at the top level and inside structured values", () => {
    const file = stackFile(`config:
  app:token:
    secure: v1:AAAA:BBBB
  app:mesh:
    engine: starburst
    starburst:
      licenseSecret:
        secure: v1:CCCC:DDDD
      registryUsername: robot
    users:
      - name: a
        password:
          secure: v1:EEEE
  app:plain:
    enabled: true
`);
    const { config, secretKeys } = readStackConfigFile(file);
    expect(config["app:token"]).toBe("[secret]");
    expect(JSON.parse(config["app:mesh"]!)).toEqual({
      engine: "starburst",
      starburst: { licenseSecret: "[secret]", registryUsername: "robot" },
      users: [{ name: "a", password: "[secret]" }],
    });
    expect(config["app:mesh"]).not.toContain("v1:");
    // As the engine does with `--path` secrets: the whole structured key is secret.
    expect(secretKeys.sort()).toEqual(["app:mesh", "app:token"]);
    expect(JSON.parse(config["app:plain"]!)).toEqual({ enabled: true });
  });
});
