import type { FastifyRequest } from 'fastify';
import { DejaError } from '../core/errors.ts';

/** Names a browser on this machine uses for it; a rebinding attacker's page cannot send them as Host. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
/** Wildcard listen addresses: not names any client sends. */
const ANY_ADDRESS = new Set(['0.0.0.0', '::']);
/** Methods that only read: cross-origin pages cannot read their answers (no CORS headers are sent). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The host names the server answers to: the loopback names, the address it listens on (unless it is
 * a wildcard) and the operator's `--allowed-host` names, lower-cased, IPv6 without brackets.
 */
export function allowedHostNames(listenHost: string, extra: readonly string[]): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  for (const h of [listenHost, ...extra]) {
    const name = bareHostName(h);
    if (!ANY_ADDRESS.has(name)) names.add(name);
  }
  return names;
}

/**
 * Refuses a request whose Host header is not one of `allowed` (DNS rebinding: a page of another site
 * whose name now resolves to this machine), and a state-changing request (POST …) sent by a page of
 * another origin (its `Origin` header names a host that is not allowed).
 * @throws DejaError FORBIDDEN
 */
export function checkRequestHost(request: FastifyRequest, allowed: ReadonlySet<string>): void {
  const host = request.headers.host;
  if (!host || !allowed.has(hostNameOf(host)))
    throw new DejaError('FORBIDDEN', `this server does not answer to the host ${JSON.stringify(clip(host ?? ''))}`, {
      hint: 'use the address it listens on, or start it with deja serve --allowed-host <name>',
    });
  const origin = request.headers.origin;
  if (origin === undefined || SAFE_METHODS.has(request.method)) return;
  if (!allowed.has(originHostName(origin)))
    throw new DejaError('FORBIDDEN', `cross-origin ${request.method} from ${JSON.stringify(clip(origin))} refused`, {
      hint: 'use the web page this server serves, or start it with deja serve --allowed-host <name of that origin>',
    });
}

/** `example.org:8080` → `example.org`; `[::1]:8080` → `::1`. */
function hostNameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') < 0 ? undefined : h.indexOf(']'));
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/** The host name of an `Origin` header; '' for `null` or anything that is not a URL (never allowed). */
function originHostName(origin: string): string {
  try {
    return bareHostName(new URL(origin).hostname);
  } catch {
    return '';
  }
}

/** A configured name as it is compared: lower case, IPv6 without brackets. */
function bareHostName(name: string): string {
  const h = name.trim().toLowerCase();
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}

function clip(s: string): string {
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}
