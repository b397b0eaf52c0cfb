import { domainProgram } from "./program";

// The Pulumi Node.js host calls an exported function and uses its result as the stack outputs.
export = () => domainProgram();
