import { describe, expect, it } from "vitest";
import { argsProblemsMessage, formatArgsProblem } from "./problems";

describe("argument problems", () => {
  it("print as path: message, without repeating a path the message starts with", () => {
    expect(formatArgsProblem({ path: "nodeGroups.system.minSize", message: "must be at least 1" })).toBe(
      "nodeGroups.system.minSize: must be at least 1",
    );
    expect(
      formatArgsProblem({ path: "authenticator.clientId", message: "authenticator.clientId is required for github" }),
    ).toBe("authenticator.clientId is required for github");
    expect(formatArgsProblem({ path: "", message: "nobody could log in" })).toBe("nobody could log in");
  });

  it("make the constructor's one error: a title naming the component, one line per problem", () => {
    expect(
      argsProblemsMessage("PlatformCluster", "platform", [
        { path: "vpcCidr", message: "10.0.0.0/8 must be a /16 to /20" },
        { path: "", message: "x" },
      ]),
    ).toBe('PlatformCluster "platform": invalid args:\n- vpcCidr: 10.0.0.0/8 must be a /16 to /20\n- x');
  });
});
