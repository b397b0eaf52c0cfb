import { describe, expect, it } from "vitest";
import { isDevStage } from "./stages";

describe("isDevStage", () => {
  it("is dev and dev-<name> only", () => {
    expect(["dev", "dev-alice", "dev-", "devops", "development", "prod", "staging", "qa-dev"].map(isDevStage)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
