/**
 * The boot script of the legacy Luigi scheduler: Luigi from PyPI in a virtual environment,
 * run by systemd as an unprivileged user with a sandboxed unit. Pure, so it is tested
 * without mocks.
 */

export interface LuigiUserDataInput {
  /** Exact Luigi release (`3.8.1`). */
  luigiVersion: string;
  /** Port luigid listens on (web UI and the workers' RPC). */
  port: number;
}

export const luigiStateDirectory = "/var/lib/luigi";
export const luigiVirtualEnvironment = "/opt/luigi";

/**
 * The systemd unit of the central scheduler.
 * @internal Exported for its tests only; not part of the package's API.
 */
export function luigiSystemdUnit(port: number): string {
  return [
    "[Unit]",
    "Description=Luigi central scheduler (deprecated: migrate to the domain's MWAA environment)",
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    "User=luigi",
    "Group=luigi",
    "Environment=LUIGI_CONFIG_PATH=/etc/luigi/luigi.cfg",
    // Foreground, so systemd supervises it and journald keeps its log.
    `ExecStart=${luigiVirtualEnvironment}/bin/luigid --port ${port} --address 0.0.0.0 --state-path ${luigiStateDirectory}/state.pickle`,
    "Restart=on-failure",
    "RestartSec=5",
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ProtectHome=yes",
    "PrivateTmp=yes",
    "PrivateDevices=yes",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectControlGroups=yes",
    "RestrictSUIDSGID=yes",
    "CapabilityBoundingSet=",
    `ReadWritePaths=${luigiStateDirectory}`,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

/** The scheduler's configuration: state kept across restarts, no task history database. */
export function luigiConfig(): string {
  return [
    "[scheduler]",
    `state_path = ${luigiStateDirectory}/state.pickle`,
    "record_task_history = false",
    "remove_delay = 600",
    "",
  ].join("\n");
}

/** Cloud-init user data (a shell script) for Amazon Linux 2023. */
export function luigiUserData(input: LuigiUserDataInput): string {
  if (!/^\d+\.\d+\.\d+$/.test(input.luigiVersion))
    throw new Error(`luigiVersion "${input.luigiVersion}" is not an exact release such as 3.8.1`);
  if (!Number.isInteger(input.port) || input.port < 1024 || input.port > 65535)
    throw new Error(`port ${input.port} is not an unprivileged TCP port`);
  return [
    "#!/bin/bash",
    "# Legacy Luigi central scheduler (deprecated): see @data-platform/warehouse README for the migration to MWAA.",
    "set -euo pipefail",
    // Luigi supports Python up to 3.12; Amazon Linux 2023's default python3 is 3.9.
    "dnf install -y python3.11",
    `id luigi >/dev/null 2>&1 || useradd --system --home-dir ${luigiStateDirectory} --shell /sbin/nologin luigi`,
    `install -d -o luigi -g luigi -m 0750 ${luigiStateDirectory}`,
    `python3.11 -m venv ${luigiVirtualEnvironment}`,
    `${luigiVirtualEnvironment}/bin/pip install --no-cache-dir 'luigi==${input.luigiVersion}'`,
    "install -d -m 0755 /etc/luigi",
    "cat > /etc/luigi/luigi.cfg <<'LUIGI_CFG'",
    luigiConfig().trimEnd(),
    "LUIGI_CFG",
    "cat > /etc/systemd/system/luigid.service <<'LUIGID_UNIT'",
    luigiSystemdUnit(input.port).trimEnd(),
    "LUIGID_UNIT",
    "systemctl daemon-reload",
    "systemctl enable --now luigid.service",
    "",
  ].join("\n");
}
