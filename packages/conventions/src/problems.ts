/**
 * The one shape of a component's argument problems. A component's pure `*ArgsProblems(args)` helper returns them;
 * its constructor throws them as one error (`argsProblemsMessage`), and a program that builds the args from its own
 * configuration files each problem under the configuration key the argument came from (by `path`).
 */
export interface ArgsProblem {
  /**
   * The argument, as a path in the component's args: `nodeGroups.system.minSize`, `apiAccessCidrs[0]`,
   * `karpenter.nodePools.burst`; "" for the args as a whole.
   */
  path: string;
  /** What is wrong and what is allowed. It need not repeat the path (`formatArgsProblem` puts it in front). */
  message: string;
}

/** A problem as one line: `path: message`, or the message alone when it has no path or already starts with it. */
export function formatArgsProblem(problem: ArgsProblem): string {
  return problem.path === "" || problem.message.startsWith(problem.path)
    ? problem.message
    : `${problem.path}: ${problem.message}`;
}

/** The constructor's error text: `<Component> "<name>": invalid args:` and one `- ` line per problem. */
export function argsProblemsMessage(component: string, name: string, problems: readonly ArgsProblem[]): string {
  return `${component} "${name}": invalid args:\n${problems.map((problem) => `- ${formatArgsProblem(problem)}`).join("\n")}`;
}
