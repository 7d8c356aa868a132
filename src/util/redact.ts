/**
 * Secrets kept out of everything mqbench shows or writes (results, reports, logs, the terminal): the password in a
 * URL's user info (nats://user:pass@host), and the values of settings whose names say they are secrets.
 */

/** The mask that stands where a secret was. */
export const REDACTED = '***';

const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s,]+:)([^@/?#\s,]+)(@)/gi;
const URL_TOKEN = /([a-z][a-z0-9+.-]*:\/\/)([^:/?#@\s,]+)(@)/gi;
/** Setting names whose values are secrets. */
const SECRET_NAME = /(password|passwd|secret|token|credential|nkey|jwt|privatekey|apikey|authparams)/i;
/** `name=value` (a --set override, an environment assignment) where the name says the value is a secret. */
const ASSIGNED_SECRET = /(\b[A-Za-z0-9_.\[\]]*(?:password|passwd|secret|token|credential|nkey|jwt|privatekey|apikey|authparams)[A-Za-z0-9_]*=)([^\s,]+)/gi;
/** `name: value` in YAML text (block or flow style) where the name says the value is a secret. */
const YAML_SECRET = /(\b[A-Za-z0-9_]*(?:password|passwd|secret|token|credential|nkey|jwt|privatekey|apikey|authparams)[A-Za-z0-9_]*\s*:[ \t]*)([^\s,}\]#][^,}\]\n#]*)/gi;

/** `text` with every URL password, and user info without one (a token: nats://token@host), replaced by ***. */
export function redactSecrets(text: string): string {
  return text
    .replace(URL_PASSWORD, `$1${REDACTED}$3`)
    .replace(URL_TOKEN, `$1${REDACTED}$3`)
    .replace(ASSIGNED_SECRET, (whole, name: string) => (/File=$/.test(name) ? whole : `${name}${REDACTED}`));
}

/** Scenario text (YAML) with secret-named values and URL passwords replaced by ***; names ending in File stay. */
export function redactScenarioText(text: string): string {
  return redactSecrets(text).replace(YAML_SECRET, (whole, key: string, value: string) => (/File\s*:/.test(key) || value.trim() === REDACTED ? whole : `${key}${REDACTED}${/\s*$/.exec(value)![0]}`));
}

/** Whether a setting's name says its value is a secret (a path to a secret, e.g. passwordFile, is not one). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A deep copy of `value` with secret-named fields masked and secrets inside strings redacted. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactDeep(item)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, isSecretName(key) && !/File$/.test(key) && item !== undefined && item !== null && typeof item !== 'object' ? REDACTED : redactDeep(item)]),
    ) as T;
  }
  return value;
}
