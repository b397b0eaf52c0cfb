import { projectConfig } from "../../vitest.config.ts";

export default projectConfig("ephemeral-spark-cluster");
