/** The installer seam: what a target needs installed for the local provider, whether it is, and how to install it. */

/** Whether a component is installed, and where or how to fix it. */
export interface InstallStatus {
  installed: boolean;
  /** Path and version when installed; what is missing otherwise. */
  detail: string;
  /** The command that installs it. */
  fix: string;
}

/** Installs one broker component into the cache, idempotently. */
export interface Installer {
  /** What gets installed, e.g. "nats-server v2.15.2". */
  component: string;
  status(): Promise<InstallStatus>;
  /** Installs (a no-op when already installed); `log` receives progress lines. */
  install(log: (line: string) => void): Promise<void>;
}
