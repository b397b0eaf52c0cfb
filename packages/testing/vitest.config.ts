import { projectConfig } from "../../vitest.config";

export default projectConfig("testing");
