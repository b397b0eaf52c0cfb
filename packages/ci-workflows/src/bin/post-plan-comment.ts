// Creates or updates the sticky offline-plan comment (plan-comment.yml, on workflow_run).
import { postCommand, runMain } from "../cli";

runMain(postCommand);
