// CIDR helpers live in @data-platform/conventions; re-exported here for config callers.
export { cidrContains, cidrsOverlap, parseCidr, type Cidr } from "@data-platform/conventions";
