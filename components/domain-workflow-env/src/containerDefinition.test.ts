import { describe, expect, it } from "vitest";
import { hardenedContainerDefinition } from "./containerDefinition";

describe("hardenedContainerDefinition", () => {
  const base = {
    name: "export",
    image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/dp-dev/orders/jobs:1.4.2",
    domain: "orders",
    logGroupName: "/dp/dev/orders/ecs",
    region: "eu-west-1",
  };

  it("runs as a non-root user on a read-only root file system with an init process, logging to the runner", () => {
    expect(hardenedContainerDefinition({ ...base, command: ["python", "-m", "orders.export"] })).toEqual({
      name: "export",
      image: base.image,
      essential: true,
      user: "1000:1000",
      privileged: false,
      readonlyRootFilesystem: true,
      linuxParameters: { initProcessEnabled: true },
      command: ["python", "-m", "orders.export"],
      environment: [{ name: "DATA_PLATFORM_DOMAIN", value: "orders" }],
      secrets: [],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/dp/dev/orders/ecs",
          "awslogs-region": "eu-west-1",
          "awslogs-stream-prefix": "export",
        },
      },
    });
  });

  it("keeps the image's command when none is given", () => {
    expect(hardenedContainerDefinition(base)).not.toHaveProperty("command");
    expect(hardenedContainerDefinition({ ...base, command: [] })).not.toHaveProperty("command");
  });
});
