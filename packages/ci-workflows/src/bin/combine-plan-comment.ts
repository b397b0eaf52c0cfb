// Combines the offline plan of every stage into one PR comment body (ci.yml, plan job).
import { combineCommand, runMain } from "../cli";

runMain(combineCommand);
