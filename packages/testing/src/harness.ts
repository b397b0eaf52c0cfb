import * as pulumi from "@pulumi/pulumi";
import { defaultInvokes, type InvokeMock } from "./invokes";
import { remoteComponentState } from "./remote";
import { toPlain, unwrapSecrets } from "./serialize";
import { resolvedState, type SyntheticContext } from "./synthetic";

/**
 * resolved: synthetic but realistic ids and ARNs, so every input is concrete.
 * preview: only what a real first preview knows - ids and computed outputs unknown.
 */
export type MockMode = "resolved" | "preview";

export interface ResourceOptionsCapture {
  protect: boolean;
  retainOnDelete: boolean;
  ignoreChanges: string[];
  aliases: unknown[];
  deleteBeforeReplace: boolean;
  replaceOnChanges: string[];
  additionalSecretOutputs: string[];
}

/** Everything the program told the engine about one resource. */
export interface Registration {
  urn: string;
  type: string;
  name: string;
  /** The id the mock gave it (null for components and in preview). */
  id: string | null;
  custom: boolean;
  remote: boolean;
  parent: string | null;
  provider: string | null;
  dependencies: string[];
  /** Inputs as plain JSON: secrets "[secret]", unknowns "[unknown]", resource references their URN. */
  inputs: Record<string, unknown>;
  /**
   * The same inputs with secret values in clear (the same object when there is no
   * secret). For policy evaluation and assertions only: never write it out.
   */
  revealedInputs: Record<string, unknown>;
  options: ResourceOptionsCapture;
}

export interface InvokeRecord {
  token: string;
  inputs: Record<string, unknown>;
}

export interface HarnessOptions {
  mode?: MockMode;
  project?: string;
  stack?: string;
  organization?: string;
  region?: string;
  accountId?: string;
  /** Pulumi config (`namespace:key` -> string value, as the engine passes it). */
  config?: Record<string, string>;
  secretKeys?: string[];
  /** Extra invoke mocks by token; they replace the defaults of the same token. */
  invokes?: Record<string, InvokeMock>;
  /**
   * Outputs of referenced stacks, by stack name (`pulumi.StackReference`); "*" answers any name. Another name reads
   * as a stack without outputs and is listed in `harness.unansweredStackReferences`.
   */
  stackReferences?: Record<string, Record<string, unknown>>;
  /** Per-type state overrides merged over the synthetic state (resolved mode). */
  state?: Record<
    string,
    (args: { name: string; inputs: Record<string, unknown>; id: string }) => Record<string, unknown>
  >;
}

export class UnmockedInvokeError extends Error {
  /** The SDK surfaces a failed invoke RPC through `details`. */
  readonly details: string;
  constructor(readonly token: string) {
    super(
      `unmocked invoke "${token}": add it to the harness's invokes (packages/testing) or the test's options.invokes`,
    );
    this.name = "UnmockedInvokeError";
    this.details = this.message;
  }
}

/** The root stack's type token; it is not part of child URNs (as in the engine). */
const stackType = "pulumi:pulumi:Stack";

// The subset of a protobuf RegisterResourceRequest that the harness reads.
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getRemote(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getDeletebeforereplace(): boolean;
  getAliasesList(): { toObject(): unknown }[];
  getAliasurnsList(): string[];
}

type Callback = (error: unknown, response: unknown) => void;

interface MockMonitorLike {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(request: RegisterRequest, callback: Callback): Promise<void>;
  readResource(request: unknown, callback: Callback): Promise<void>;
  invoke(request: unknown, callback: Callback): Promise<void>;
  registerResourceOutputs(request: unknown, callback: Callback): void;
  call?: (request: CallRequest, callback: Callback) => void;
}

// The subset of a protobuf ResourceCallRequest that the harness reads.
interface CallRequest {
  getTok(): string;
}

/**
 * The shared mock harness: installs Pulumi mocks and records every registration
 * with its type, name, URN, parent, provider, dependencies, inputs and options.
 */
export class Harness {
  readonly registrations: Registration[] = [];
  readonly invokes: InvokeRecord[] = [];
  /** Stack names a program read through a StackReference that the options do not answer. */
  readonly unansweredStackReferences: string[] = [];
  readonly mode: MockMode;
  readonly context: SyntheticContext;
  private pending = 0;
  private readonly options: HarnessOptions;
  private readonly invokeMocks: Record<string, InvokeMock>;

  constructor(options: HarnessOptions = {}) {
    this.options = options;
    this.mode = options.mode ?? "resolved";
    this.context = {
      region: options.region ?? "eu-west-1",
      accountId: options.accountId ?? "123456789012",
      partition: "aws",
    };
    this.invokeMocks = { ...defaultInvokes(this.context), ...options.invokes };
  }

  /** Installs the mocks. Import the program under test only after this. */
  async install(): Promise<this> {
    const preview = this.mode === "preview";
    const project = this.options.project ?? "data-platform";
    const stack = this.options.stack ?? "test";
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => this.newResource(args),
        call: (args) => this.call(args.token, args.inputs),
      },
      project,
      stack,
      preview,
      this.options.organization,
    );
    pulumi.runtime.setAllConfig(this.options.config ?? {}, this.options.secretKeys ?? []);
    this.instrument(pulumi.runtime.getMonitor() as unknown as MockMonitorLike);
    return this;
  }

  private newResource(args: pulumi.runtime.MockResourceArgs): {
    id: string | undefined;
    state: Record<string, unknown>;
  } {
    const inputs = unwrapSecrets(args.inputs) as Record<string, unknown>;
    if (!args.custom) {
      // Components: remote ones get synthetic outputs, local ones have none of their own.
      const remote = remoteComponentState(args.type);
      if (this.mode === "preview" || !remote)
        return { id: undefined, state: this.mode === "preview" ? {} : (remote ?? {}) };
      return { id: undefined, state: remote };
    }
    if (args.type === "pulumi:pulumi:StackReference") return this.stackReference(args.name, inputs);
    if (this.mode === "preview") {
      // A first preview knows the inputs and nothing the provider computes (no id, no ARN).
      return { id: undefined, state: args.inputs as Record<string, unknown> };
    }
    const synthetic = resolvedState(args.type, args.name, inputs, this.context);
    const override = this.options.state?.[args.type]?.({ name: args.name, inputs, id: synthetic.id });
    // Echo the inputs as received, so secret inputs stay secret outputs (as the engine does); what the
    // synthetic state computed (an ARN, an EKS cluster's vpcConfig with its security group) wins over the echo.
    const computed = Object.fromEntries(
      Object.entries(synthetic.state).filter(([key, value]) => value !== inputs[key]),
    );
    return { id: synthetic.id, state: { ...(args.inputs as Record<string, unknown>), ...computed, ...override } };
  }

  private stackReference(
    name: string,
    inputs: Record<string, unknown>,
  ): { id: string; state: Record<string, unknown> } {
    const stackName = String(inputs["name"] ?? name);
    // "*" answers any stack name (the plan's --platform-plan).
    const outputs = this.options.stackReferences?.[stackName] ?? this.options.stackReferences?.["*"];
    if (!outputs) {
      // Recorded, not thrown: a failed read rejects promises nobody awaits, which would crash the process. The
      // program sees a stack without outputs; the plan reports the missing --platform-plan from this record.
      this.unansweredStackReferences.push(stackName);
      return { id: stackName, state: { name: stackName, outputs: {}, secretOutputNames: [] } };
    }
    // Stack references are read during previews too, so both modes see the outputs.
    return { id: stackName, state: { name: stackName, outputs, secretOutputNames: [] } };
  }

  private call(token: string, inputs: Record<string, unknown>): Record<string, unknown> {
    this.invokes.push({ token, inputs: toPlain(inputs) as Record<string, unknown> });
    const mock = this.invokeMocks[token];
    if (!mock) throw new UnmockedInvokeError(token);
    return mock(inputs);
  }

  private instrument(monitor: MockMonitorLike): void {
    const qualifiedTypes = new Map<string, string>();

    // URNs as the engine builds them: the parent's qualified type chain, without the root stack.
    monitor.newUrn = (parent: string, type: string, name: string): string => {
      const parentType = parent ? qualifiedTypes.get(parent) : undefined;
      const qualified = parentType && parentType !== stackType ? `${parentType}$${type}` : type;
      const urn = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
      qualifiedTypes.set(urn, qualified);
      return urn;
    };

    const track =
      <T extends unknown[], R>(method: (...args: T) => R) =>
      (...args: T): R => {
        this.pending++;
        const callback = args[args.length - 1] as Callback;
        args[args.length - 1] = ((error: unknown, response: unknown) => {
          this.pending--;
          callback(error, response);
        }) as unknown as T[number];
        return method.apply(monitor, args);
      };

    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = track(async (request: RegisterRequest, callback: Callback) => {
      await register(request, (error: unknown, response: unknown) => {
        if (!error && response) this.record(request, response as { getUrn(): string; getId(): string });
        callback(error, response);
      });
    });
    // The SDK's mock monitor has no `call` at all; no component method is mocked, so a method call
    // (a remote component's `getKubeconfig()` and the like) fails naming it instead of crashing.
    monitor.call = track((request: CallRequest, callback: Callback) => {
      callback(
        {
          details: `unmocked component method "${request.getTok()}": the harness mocks no remote component methods (packages/testing)`,
        },
        undefined,
      );
    });
    monitor.readResource = track(monitor.readResource.bind(monitor));
    monitor.invoke = track(monitor.invoke.bind(monitor));
    monitor.registerResourceOutputs = track(monitor.registerResourceOutputs.bind(monitor));
  }

  private record(request: RegisterRequest, response: { getUrn(): string; getId(): string }): void {
    // The SDK sends the inputs as a protobuf Struct of wire values (secrets, unknowns and
    // resource references as signature objects), which toPlain reads directly.
    const struct = (
      request as unknown as { getObject(): { toJavaScript(): Record<string, unknown> } | undefined }
    ).getObject();
    const wireInputs = struct ? struct.toJavaScript() : {};
    const sawSecret = { value: false };
    const inputs = toPlain(wireInputs, { sawSecret }) as Record<string, unknown>;
    // Providers mark some inputs secret by themselves (an SSM parameter's value), which policies must still read.
    const revealedInputs = sawSecret.value
      ? (toPlain(wireInputs, { reveal: true }) as Record<string, unknown>)
      : inputs;
    const aliases: unknown[] = [
      ...request.getAliasurnsList(),
      ...request.getAliasesList().map((alias) => alias.toObject()),
    ];
    this.registrations.push({
      urn: response.getUrn(),
      type: request.getType(),
      name: request.getName(),
      id: request.getCustom() && response.getId() ? response.getId() : null,
      custom: request.getCustom(),
      remote: request.getRemote(),
      parent: request.getParent() || null,
      provider: request.getProvider() || null,
      dependencies: [...request.getDependenciesList()].sort(),
      inputs,
      revealedInputs,
      options: {
        protect: request.getProtect() ?? false,
        retainOnDelete: request.getRetainondelete() ?? false,
        ignoreChanges: request.getIgnorechangesList(),
        aliases,
        deleteBeforeReplace: request.getDeletebeforereplace(),
        replaceOnChanges: request.getReplaceonchangesList(),
        additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
      },
    });
  }

  /**
   * Waits until every registration, invoke and output registration the program
   * started has been answered, and nothing new started for a few turns.
   */
  async settle(): Promise<void> {
    let quietTurns = 0;
    let lastCount = -1;
    while (quietTurns < 5) {
      await new Promise((resolve) => setImmediate(resolve));
      const count = this.registrations.length + this.invokes.length;
      if (this.pending === 0 && count === lastCount) quietTurns++;
      else quietTurns = 0;
      lastCount = count;
    }
  }

  /** Registrations of one type token. */
  byType(type: string): Registration[] {
    return this.registrations.filter((registration) => registration.type === type);
  }

  /** The one registration with this type and name; throws when absent or ambiguous. */
  one(type: string, name: string): Registration {
    const found = this.registrations.filter((registration) => registration.type === type && registration.name === name);
    if (found.length !== 1) {
      const names = this.byType(type).map((registration) => registration.name);
      throw new Error(
        `expected one ${type} named "${name}", found ${found.length} (registered: ${names.join(", ") || "none"})`,
      );
    }
    return found[0]!;
  }

  /** Direct children of a registration (or URN). */
  children(of: Registration | string): Registration[] {
    const urn = typeof of === "string" ? of : of.urn;
    return this.registrations.filter((registration) => registration.parent === urn);
  }

  /** All descendants of a registration (or URN). */
  descendants(of: Registration | string): Registration[] {
    const result: Registration[] = [];
    const queue = [typeof of === "string" ? of : of.urn];
    while (queue.length > 0) {
      const urn = queue.shift()!;
      for (const child of this.children(urn)) {
        result.push(child);
        queue.push(child.urn);
      }
    }
    return result;
  }

  /** Count of registrations by type token (sorted). */
  countsByType(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const registration of this.registrations) counts[registration.type] = (counts[registration.type] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  }
}

/** Installs the mock harness (the shared `setMocks` of every package's tests). */
export async function setMocks(options: HarnessOptions = {}): Promise<Harness> {
  return new Harness(options).install();
}

/** Resolves an Output (or plain value) under mocks; unknown values resolve to undefined. */
export async function resolveOutput<T>(value: pulumi.Input<T>): Promise<T | undefined> {
  // `isKnown` and `promise()` are the SDK's own accessors on every Output instance.
  const output = pulumi.output(value) as unknown as { isKnown: Promise<boolean>; promise(): Promise<T> };
  if (!(await output.isKnown)) return undefined;
  return output.promise();
}

/** Whether an Output is secret. */
export async function isSecret(value: pulumi.Input<unknown>): Promise<boolean> {
  return (pulumi.output(value) as unknown as { isSecret: Promise<boolean> }).isSecret;
}
