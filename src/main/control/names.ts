/**
 * DR Desk's own database on each managed replica set: the control state every workstation must agree on
 * (pipeline lease, chain head, applied position, execution ledger). It is site-local by design, so the
 * capture and the baseline never copy it across sites, and a baseline never drops it on DR.
 */
export const CONTROL_DATABASE = 'drdesk';

/** Databases that are never copied from DC nor cleared on DR: the server's own, and DR Desk's control state. */
export const NON_USER_DATABASES: ReadonlySet<string> = new Set(['admin', 'local', 'config', CONTROL_DATABASE]);
