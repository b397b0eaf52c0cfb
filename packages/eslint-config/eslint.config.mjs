export { default } from "./src/index.js";
