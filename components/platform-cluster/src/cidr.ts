export { cidrContains, cidrsOverlap, formatAddress, parseCidr, type Cidr } from "@data-platform/conventions";
