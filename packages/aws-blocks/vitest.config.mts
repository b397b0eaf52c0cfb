import { projectConfig } from "../../vitest.config.ts";

export default projectConfig("aws-blocks");
