// Writes relevant=true|false to $GITHUB_OUTPUT: whether a change touches the platform stacks (preview.yml, deploy.yml).
import { affectedCommand, runMain } from "../cli";

runMain(affectedCommand);
