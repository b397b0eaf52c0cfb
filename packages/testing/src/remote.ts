import type { SyntheticContext } from "./synthetic";
export function remoteComponentState(_type: string, _name: string, _inputs: Record<string, unknown>, _ctx: SyntheticContext): Record<string, unknown> | undefined {
  return undefined;
}
