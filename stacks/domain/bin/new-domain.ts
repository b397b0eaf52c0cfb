import * as path from "node:path";
import { scaffoldDomain, ScaffoldError, type ScaffoldOptions } from "../scaffold";

const usage = `usage: npm run new-domain -- <name> [--stage dev] [--org acme] [--team <team>] [--email <email>] [--cost-centre <cc>] [--description <text>]

Creates stacks/platform/domains/<name>.yaml, enables the domain in stacks/platform/Pulumi.<stage>.yaml,
and creates stacks/domain/Pulumi.<name>-<stage>.yaml and stacks/domain/dags/<name>/ from a template.
Then: npm run plan -- --stack <stage>, and the domain's plan (stacks/domain/README.md).`;

const flags: Record<string, keyof ScaffoldOptions> = {
  "--stage": "stage",
  "--org": "org",
  "--team": "team",
  "--email": "email",
  "--cost-centre": "costCentre",
  "--description": "description",
  "--platform-dir": "platformDir",
  "--domain-dir": "domainDir",
};

/** The command; returns the exit code (2 for bad input, as the plan does). */
export function main(argv: readonly string[]): number {
  const repoRoot = path.resolve(__dirname, "../../..");
  const options: Partial<ScaffoldOptions> = {
    platformDir: path.join(repoRoot, "stacks/platform"),
    domainDir: path.join(repoRoot, "stacks/domain"),
  };
  const positional: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === "--help" || arg === "-h") {
      console.log(usage);
      return 0;
    }
    const key = flags[arg];
    if (key) {
      const value = argv[++index];
      if (value === undefined || value.startsWith("--")) {
        console.error(`new-domain: ${arg} needs a value\n\n${usage}`);
        return 2;
      }
      (options as Record<string, string>)[key] = value;
    } else if (arg.startsWith("--")) {
      console.error(`new-domain: unknown option ${arg}\n\n${usage}`);
      return 2;
    } else positional.push(arg);
  }
  if (positional.length !== 1) {
    console.error(`new-domain: give exactly one domain name\n\n${usage}`);
    return 2;
  }
  try {
    const written = scaffoldDomain({ ...(options as ScaffoldOptions), name: positional[0]! });
    for (const file of written) console.log(`wrote ${path.relative(process.cwd(), file)}`);
    return 0;
  } catch (error) {
    if (error instanceof ScaffoldError) {
      console.error(`new-domain: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
