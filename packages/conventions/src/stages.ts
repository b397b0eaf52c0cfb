/**
 * Dev stages - `dev` and `dev-<name>` (personal sandboxes) - may use development settings (file-based access
 * control, the dummy login); every other stage runs production settings. The one statement of that rule: the stage
 * program (which sets the components' `production` from it) and the notebook hub read it here; config re-exports it.
 */
export function isDevStage(stage: string): boolean {
  return /^dev(-|$)/.test(stage);
}
