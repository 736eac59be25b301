import type { Stored } from '../kinds.ts';
import type { Snapshot } from '../snapshot.ts';
import { selectsPods } from './services.ts';

type Service = Stored<'Service'>;
type EndpointSlice = Stored<'EndpointSlice'>;

/** The label the EndpointSlice controller (and any other manager) puts on a Service's slices. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

const slicesByService = (snapshot: Snapshot) => {
  const index = new Map<string, EndpointSlice[]>();
  for (const slice of snapshot.list('EndpointSlice')) {
    const service = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (service !== undefined) index.set(service, [...(index.get(service) ?? []), slice]);
  }
  return index;
};

/** The EndpointSlices labelled with this Service's name. */
export function endpointSlicesOf(snapshot: Snapshot, service: Service): readonly EndpointSlice[] {
  return snapshot.memo(slicesByService).get(service.metadata.name) ?? [];
}

/** Endpoints of the Service's slices with `conditions.ready: true` (unset is not ready here). */
export function readyEndpointCount(snapshot: Snapshot, service: Service): number {
  return endpointSlicesOf(snapshot, service)
    .flatMap((slice) => slice.endpoints ?? [])
    .filter((endpoint) => endpoint.conditions?.ready === true).length;
}

/**
 * A Service that selects Pods (type other than ExternalName, non-empty selector) and has no ready
 * endpoint: what `service-health/no-ready-endpoints` and `idle-resources/loadbalancer-idle` report.
 * The evidence: its slices, and how many endpoints they hold in all.
 */
export function withoutReadyEndpoints(
  snapshot: Snapshot,
  service: Service,
): { endpointSlices: string[]; endpoints: number } | undefined {
  if (!selectsPods(service) || readyEndpointCount(snapshot, service) > 0) return undefined;
  const slices = endpointSlicesOf(snapshot, service);
  return {
    endpointSlices: slices.map((slice) => slice.metadata.name),
    endpoints: slices.reduce((sum, slice) => sum + (slice.endpoints ?? []).length, 0),
  };
}
