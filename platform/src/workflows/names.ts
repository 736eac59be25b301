import { createHash, randomInt } from 'node:crypto';
import type { WorkflowTemplate } from './templates.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A run's name (its workflow_id): `wf-<template prefix>-<5 random characters>`, e.g. wf-health-7k2x9. */
export function runName(template: Pick<WorkflowTemplate, 'namePrefix'>): string {
  const suffix = Array.from({ length: 5 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return `wf-${template.namePrefix}-${suffix}`;
}

/**
 * A step's idempotency key: the same for every attempt of that step of that run, so whatever the
 * step does under it (units taken, an agent run stored, an Event recorded) is done once however
 * often a crash makes the operator repeat it.
 */
export function stepKey(runUid: string, step: string): string {
  return `${runUid}/${step}`;
}

/**
 * A UUID derived from `key` (SHA-256, shaped as an RFC 9562 version 8 UUID): an agent run's id
 * derived from its step's key, so a repeated step finds the run it already stored.
 */
export function uuidFrom(key: string): string {
  const bytes = createHash('sha256').update(key).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What `spec.requestedBy` says for a run the API started: the platform user, as the platform names it. */
export const PLATFORM_REQUESTER_PREFIX = 'guardian:';

/** The platform user id a `requestedBy` names, or undefined for a Kubernetes user (`oidc:...`). */
export function platformUserOf(requestedBy: string): string | undefined {
  return requestedBy.startsWith(PLATFORM_REQUESTER_PREFIX)
    ? requestedBy.slice(PLATFORM_REQUESTER_PREFIX.length)
    : undefined;
}
